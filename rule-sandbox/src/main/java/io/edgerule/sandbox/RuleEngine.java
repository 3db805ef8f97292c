package io.edgerule.sandbox;

import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.RuleOutcome.Skipped;
import io.edgerule.sandbox.internal.Abi;
import io.edgerule.sandbox.internal.CompiledModules;
import io.edgerule.sandbox.internal.HostClasses;
import io.edgerule.sandbox.internal.ModuleValidator;
import io.edgerule.sandbox.internal.RuleInstance;
import io.edgerule.sandbox.internal.Watchdog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and runs WebAssembly rules: one engine per gateway.
 *
 * <pre>{@code
 * RuleEngine engine = new RuleEngine(RuleLimits.defaults(), scheduler, Clock.systemUTC());
 * RuleManifest manifest = RuleManifest.load(Path.of("rules/overtemp.yaml"));
 * Rule rule = engine.load(manifest.name(), Path.of("rules/overtemp.wasm"), manifest);
 * switch (engine.evaluate(rule, batch)) {
 *   case RuleOutcome.Committed c -> dispatch(c.actions());
 *   case RuleOutcome.Failed f -> log.warn("rule {} failed: {} {}", rule.name(), f.kind(), f.message());
 *   case RuleOutcome.Skipped s -> log.debug("rule {} skipped: {}", rule.name(), s.reason());
 * }
 * }</pre>
 *
 * <p>Threads: the engine owns none. Rule code runs on the thread that calls {@link #evaluate} or
 * {@link #tick} (one call at a time per rule; different rules may run concurrently); the lent
 * scheduler only runs the deadline watchdog's short checks, so lend one that is not busy with long
 * tasks. {@link #load} runs the rule's start section and {@code er_init} on the caller's thread,
 * also under a deadline.
 *
 * <p>The engine keeps the loaded rules and their lifecycle (load, swap, shadow, enable, disable,
 * unload); a module's checks and compilation are {@link ModuleAdmission}'s, starting an instance
 * {@link InstanceStarts}'s, and a call with its commit, faults and quarantine {@link RuleCalls}'.
 */
public final class RuleEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

  private final RuleLimits hostCaps;
  private final Watchdog watchdog;
  private final CompiledModules compiled = new CompiledModules();
  private final Set<Rule> rules = ConcurrentHashMap.newKeySet();
  private final RuleStateStore stateStore;
  private final InstanceStarts starts;
  private final RuleCalls calls;
  private volatile boolean closed;

  /**
   * @param hostCaps the gateway's ceiling for every rule's limits
   * @param watchdog a scheduler for deadline checks (not shut down by the engine)
   * @param clock the time rules read through {@code gw.now_ms} and faults are stamped with
   */
  public RuleEngine(RuleLimits hostCaps, ScheduledExecutorService watchdog, Clock clock) {
    this(hostCaps, watchdog, clock, RuleStateStore.inMemory());
  }

  /**
   * @param stateStore where rules' persistent state is restored from at load and saved to after
   *     each call that changed it (the daemon passes {@link RuleStateStore#directory})
   */
  public RuleEngine(
      RuleLimits hostCaps,
      ScheduledExecutorService watchdog,
      Clock clock,
      RuleStateStore stateStore) {
    this.stateStore = Objects.requireNonNull(stateStore, "stateStore");
    this.hostCaps = Objects.requireNonNull(hostCaps, "hostCaps");
    this.watchdog = new Watchdog(Objects.requireNonNull(watchdog, "watchdog"));
    Objects.requireNonNull(clock, "clock");
    this.starts = new InstanceStarts(this.watchdog, clock);
    this.calls = new RuleCalls(this.watchdog, clock, stateStore, starts);
    // Before any rule runs, on this shallow stack: a class first initialised inside a rule's host
    // call with almost no stack left would be broken for the life of the JVM.
    HostClasses.initialize();
    Warmup.once(this);
  }

  public RuleLimits hostCaps() {
    return hostCaps;
  }

  /**
   * Reads a module file and loads it; errors name the file.
   *
   * @see #load(String, byte[], RuleManifest)
   */
  public Rule load(String name, Path wasmFile, RuleManifest manifest) {
    int limit = manifest.limits().cappedBy(hostCaps).maxModuleBytes();
    return load(name, ModuleAdmission.read(name, wasmFile, limit), wasmFile.toString(), manifest);
  }

  /**
   * Validates, compiles (or takes from the cache), instantiates and initialises a rule. The start
   * section and {@code er_init} run on the caller's thread under the rule's init deadline.
   *
   * @param name the rule's identity in the gateway (usually {@code manifest.name()})
   * @throws RuleLoadException saying what is wrong; nothing of the rule stays loaded
   */
  public Rule load(String name, byte[] wasm, RuleManifest manifest) {
    return load(name, wasm, manifest.module().map(Path::toString).orElse(null), manifest);
  }

  /** For the built-in warm-up rule only: its limits are not capped by the host's. */
  Rule loadUncapped(String name, byte[] wasm, RuleManifest manifest) {
    return load(name, wasm, null, manifest, manifest.limits(), null);
  }

  private Rule load(String name, byte[] wasm, String source, RuleManifest manifest) {
    return load(name, wasm, source, manifest, manifest.limits().cappedBy(hostCaps), null);
  }

  /**
   * @param initialState null: restore from the state store (a persistent rule); else a private copy
   *     that is never saved (a shadow candidate)
   */
  private Rule load(
      String name,
      byte[] wasm,
      String source,
      RuleManifest manifest,
      RuleLimits limits,
      Map<String, byte[]> initialState) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(wasm, "wasm");
    Objects.requireNonNull(manifest, "manifest");
    if (closed) {
      throw new IllegalStateException("the rule engine is closed");
    }
    ModuleAdmission.Admitted admitted =
        ModuleAdmission.admit(compiled, name, wasm, source, manifest, limits);
    CompiledModules.Entry entry = admitted.entry();
    ModuleValidator.Checked checked = admitted.checked();
    compiled.acquire(entry);
    Watchdog.Slot slot = watchdog.register();
    Rule rule =
        new Rule(name, source, manifest, limits, entry, checked, slot, initialState == null);
    rule.tableHeap = admitted.tableHeap();
    boolean ok = false;
    try {
      restoreState(rule, initialState);
      rule.instance = starts.atLoad(rule);
      ok = true;
    } finally {
      if (!ok) {
        watchdog.unregister(slot);
        compiled.release(entry);
      }
    }
    rules.add(rule);
    LOG.info(
        "rule '{}' loaded ({}, {} pages max, deadline {})",
        name,
        source == null ? admitted.digest().substring(0, 12) : source,
        checked.memoryLimits().maximumPages(),
        DurationText.format(limits.deadline()));
    return rule;
  }

  private void restoreState(Rule rule, Map<String, byte[]> initialState) {
    Map<String, byte[]> saved;
    if (initialState != null) {
      saved = initialState;
    } else {
      try {
        saved = stateStore.load(rule.name());
      } catch (IOException | IllegalArgumentException e) {
        throw new RuleLoadException(
            rule.name(), rule.source().orElse(null), "cannot restore its state: " + e.getMessage());
      }
    }
    try {
      rule.state.replace(saved);
    } catch (IllegalArgumentException e) {
      throw new RuleLoadException(
          rule.name(), rule.source().orElse(null), "cannot restore its state: " + e.getMessage());
    }
  }

  /**
   * Runs one batch through the rule ({@code er_on_events}) on the caller's thread under the rule's
   * deadline. Events of points the rule does not subscribe to are left out. The daemon guarantees
   * one call at a time per rule.
   */
  public RuleOutcome evaluate(Rule rule, List<PointEvent> batch) {
    Objects.requireNonNull(batch, "batch");
    return calls.call(
        rule, Abi.ON_EVENTS, instance -> instance.prepare(batch) > 0, RuleInstance::deliver);
  }

  /**
   * Runs the rule's {@code er_on_tick} (for rules whose manifest sets a {@code tick}; the daemon
   * calls this every {@code manifest.tickPeriod()}).
   *
   * @throws IllegalStateException if the rule has no tick
   */
  public RuleOutcome tick(Rule rule) {
    if (!rule.checked.hasTick()) {
      throw new IllegalStateException("rule '" + rule.name() + "' has no tick");
    }
    return calls.call(rule, Abi.ON_TICK, instance -> true, RuleInstance::onTick);
  }

  /**
   * Re-admits a quarantined or disabled rule at once (an operator's command): its fault window and
   * re-admission backoff are cleared and the next call runs on a fresh instance. Does nothing to an
   * active rule.
   */
  public void enable(Rule rule) {
    if (rule.unloaded) {
      throw new IllegalStateException("rule '" + rule.name() + "' is unloaded");
    }
    if (rule.status() != RuleStatus.ACTIVE) {
      rule.resetBackoff();
      calls.readmit(rule, "by an operator");
    }
  }

  /**
   * Re-admits a quarantined rule whose backoff has run out, without waiting for its next event or
   * tick (so a silent rule does not stay QUARANTINED past its re-admission time). Call it where a
   * call of the rule could be: on the rule's own turn, never beside a running batch.
   *
   * @return true if the rule was re-admitted now
   */
  public boolean readmitIfDue(Rule rule) {
    return calls.readmitIfDue(rule);
  }

  /**
   * Switches a rule off until {@link #enable} (an operator's command): later calls are skipped, and
   * it is never re-admitted automatically. A call in flight finishes normally.
   */
  public void disable(Rule rule) {
    if (rule.unloaded) {
      throw new IllegalStateException("rule '" + rule.name() + "' is unloaded");
    }
    if (rule.status() != RuleStatus.DISABLED) {
      rule.disable();
      LOG.info("rule '{}' disabled", rule.name());
    }
  }

  /**
   * Prepares a new version of {@code current} for a hot swap, on the caller's thread while {@code
   * current} keeps running: validates, compiles (or takes from the cache) and initialises it. The
   * swap itself is {@link #completeSwap}, called between two batches of {@code current}.
   *
   * @throws RuleLoadException if the new version cannot be loaded; {@code current} is untouched
   */
  public Rule prepareSwap(Rule current, byte[] wasm, String source, RuleManifest manifest) {
    Objects.requireNonNull(current, "current");
    return load(
        current.name(),
        wasm,
        source,
        manifest,
        manifest.limits().cappedBy(hostCaps),
        current.state());
  }

  /**
   * Switches from {@code current} to {@code next} (from {@link #prepareSwap}): hands over the
   * committed state, unloads {@code current} and makes {@code next} persistent. Call it on the
   * rule's thread between batches (no call of either rule in flight). {@code next} re-initialises
   * at its first call, so its {@code er_init} sees the handed-over state.
   *
   * @throws IllegalArgumentException if the state no longer fits the new version's state_bytes
   */
  public void completeSwap(Rule current, Rule next) {
    if (!current.name().equals(next.name())) {
      throw new IllegalArgumentException(
          "cannot swap rule '" + current.name() + "' for '" + next.name() + "'");
    }
    next.state.replace(current.state());
    next.persistent = true;
    next.instance = null;
    unload(current);
    LOG.info(
        "rule '{}' swapped: {} -> {}",
        next.name(),
        current.moduleDigest().substring(0, 12),
        next.moduleDigest().substring(0, 12));
  }

  /**
   * Loads a shadow candidate beside {@code active}: it starts from a private copy of the active
   * rule's state, which is never saved; the caller runs it on the same batches and compares (see
   * {@link ShadowRun}). Unload it when the trial ends.
   */
  public Rule loadShadow(Rule active, byte[] wasm, String source, RuleManifest manifest) {
    return load(
        active.name(),
        wasm,
        source,
        manifest,
        manifest.limits().cappedBy(hostCaps),
        active.state());
  }

  /**
   * Drops a rule (call it when no evaluate of the rule is in flight); later calls with it return
   * {@link Skipped}. Idempotent.
   */
  public void unload(Rule rule) {
    if (rules.remove(rule)) {
      rule.unloaded = true;
      rule.instance = null;
      watchdog.unregister(rule.slot);
      compiled.release(rule.compiled);
      LOG.info("rule '{}' unloaded", rule.name());
    }
  }

  /** The rules currently loaded. */
  public Set<Rule> rules() {
    return Set.copyOf(rules);
  }

  /** How many compiled modules the cache holds (for tests and health). */
  public int compiledModules() {
    return compiled.size();
  }

  /** Unloads every rule. The lent scheduler is not shut down. */
  @Override
  public void close() {
    closed = true;
    for (Rule rule : List.copyOf(rules)) {
      unload(rule);
    }
    compiled.clear();
  }
}
