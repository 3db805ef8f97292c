package io.edgerule.sandbox;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import io.edgerule.sandbox.RuleOutcome.Skipped;
import io.edgerule.sandbox.internal.Abi;
import io.edgerule.sandbox.internal.CompiledModules;
import io.edgerule.sandbox.internal.GuardedCall;
import io.edgerule.sandbox.internal.HeapBudget;
import io.edgerule.sandbox.internal.HostClasses;
import io.edgerule.sandbox.internal.ModuleCost;
import io.edgerule.sandbox.internal.ModuleValidator;
import io.edgerule.sandbox.internal.RuleInstance;
import io.edgerule.sandbox.internal.RuleState;
import io.edgerule.sandbox.internal.WasmPrescan;
import io.edgerule.sandbox.internal.Watchdog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Predicate;
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
 */
public final class RuleEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

  private final RuleLimits hostCaps;
  private final Clock clock;
  private final Watchdog watchdog;
  private final CompiledModules compiled = new CompiledModules();
  private final Set<Rule> rules = ConcurrentHashMap.newKeySet();
  private final RuleStateStore stateStore;
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
    this.clock = Objects.requireNonNull(clock, "clock");
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
    byte[] wasm;
    // Read at most one byte past the limit: the path may name a multi-gigabyte file (readAllBytes
    // throws OutOfMemoryError above 2 GiB) or a device that never ends.
    try (InputStream in = Files.newInputStream(wasmFile)) {
      wasm = in.readNBytes(Math.min(limit, Integer.MAX_VALUE - 16) + 1);
    } catch (IOException e) {
      throw new RuleLoadException(
          name,
          wasmFile.toString(),
          "cannot read the module: " + e.getClass().getSimpleName() + " " + e.getMessage());
    }
    if (wasm.length > limit) {
      throw new RuleLoadException(
          name,
          wasmFile.toString(),
          "the module is "
              + fileSize(wasmFile, limit)
              + " bytes; the limit is "
              + limit
              + " (limits.max_module_bytes)");
    }
    return load(name, wasm, wasmFile.toString(), manifest);
  }

  /** The file's size for a message, or "more than {@code limit}" if it has none (a device). */
  private static String fileSize(Path file, int limit) {
    try {
      long size = Files.size(file);
      return size > limit ? Long.toString(size) : "more than " + limit;
    } catch (IOException e) {
      return "more than " + limit;
    }
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
    if (wasm.length > limits.maxModuleBytes()) {
      throw new RuleLoadException(
          name,
          source,
          "the module is "
              + wasm.length
              + " bytes; the limit is "
              + limits.maxModuleBytes()
              + " (limits.max_module_bytes)");
    }
    String framing = WasmPrescan.problem(wasm);
    if (framing != null) {
      throw new RuleLoadException(name, source, framing);
    }
    // Before anything is parsed: what loading and running the module would cost the heap.
    ModuleCost cost = ModuleCost.of(wasm);
    long heapLimit = limits.heapBytes();
    long retained = cost.retainedBytes(limits.memoryPages());
    if (retained > heapLimit) {
      throw new RuleLoadException(
          name,
          source,
          "an instance would keep "
              + mib(retained)
              + " of heap (linear memory at its cap of "
              + limits.memoryPages()
              + " pages, "
              + cost.describe()
              + "); the limit is "
              + mib(heapLimit)
              + " (limits.heap_bytes)");
    }
    String digest = CompiledModules.digest(wasm);
    CompiledModules.Entry cached = compiled.lookup(digest);
    long compileLimit = limits.compileHeapBytes();
    if (cached == null && cost.loadBytes() > compileLimit) {
      throw new RuleLoadException(
          name,
          source,
          "parsing and compiling it would take up to "
              + mib(cost.loadBytes())
              + " of heap ("
              + cost.describe()
              + "); the limit is "
              + mib(compileLimit)
              + " (limits.compile_heap_bytes)");
    }
    WasmModule module = cached != null ? cached.module() : parse(name, source, wasm);

    ModuleValidator.Checked checked;
    try {
      checked = ModuleValidator.check(module, manifest, limits);
    } catch (ModuleValidator.Invalid e) {
      throw new RuleLoadException(name, source, e.getMessage());
    } catch (RuntimeException e) {
      // Chicory's parser leaves some indices unchecked (its validator runs at instantiation):
      // whatever the checks trip over is still a malformed module, not a crash of the load.
      throw new RuleLoadException(name, source, "malformed module: " + describe(e), e);
    }

    CompiledModules.Entry entry;
    try {
      entry = cached != null ? cached : compiled.compile(digest, module);
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      // The compiler can fail on a module the parser accepted: a VerifyError or ClassFormatError
      // from loading its generated classes, an assertion, a method too large. The module is
      // refused; the engine and the rules already loaded are untouched.
      throw new RuleLoadException(name, source, "cannot compile the module: " + describe(e), e);
    } catch (OutOfMemoryError e) {
      // The estimate above keeps a module from getting here; the heap may be short for other
      // reasons. The rule is refused, not the gateway.
      throw new RuleLoadException(
          name, source, "cannot compile the module: the JVM ran out of heap memory", e);
    }
    compiled.acquire(entry);
    Watchdog.Slot slot = watchdog.register();
    Rule rule =
        new Rule(name, source, manifest, limits, entry, checked, slot, initialState == null);
    rule.tableHeap = heapLimit - retained;
    boolean ok = false;
    try {
      restoreState(rule, initialState);
      rule.instance = startInstance(rule);
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
        source == null ? digest.substring(0, 12) : source,
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

  private WasmModule parse(String name, String source, byte[] wasm) {
    try {
      return Parser.parse(wasm);
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      // Chicory's parser meets some malformed control flow with an assert (an AssertionError
      // when assertions are on), and deep nesting with recursion: all mean a malformed module.
      throw new RuleLoadException(name, source, "malformed module: " + describe(e), e);
    } catch (OutOfMemoryError e) {
      // A length field Chicory trusts for an allocation ("Requested array size exceeds VM
      // limit"); WasmPrescan refuses the usual ones before they get here.
      throw new RuleLoadException(
          name, source, "malformed module: a length field is too large to allocate", e);
    }
  }

  private static String mib(long bytes) {
    return bytes >= 10 << 20
        ? (bytes >> 20) + " MiB"
        : String.format("%.1f MiB", bytes / 1048576.0);
  }

  /** An exception's message for a load error; never empty (some are thrown without one). */
  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? e.getClass().getSimpleName()
        : message.lines().findFirst().orElse(message);
  }

  /** Instantiates and initialises at load; throws RuleLoadException with what went wrong. */
  private RuleInstance startInstance(Rule rule) {
    GuardedCall.Result<RuleInstance> result = tryStart(rule);
    if (result instanceof GuardedCall.Ok<RuleInstance> ok) {
      return ok.value();
    }
    if (result instanceof GuardedCall.Fault<RuleInstance> f) {
      throw new RuleLoadException(rule.name(), rule.source().orElse(null), f.message());
    }
    Thread.currentThread().interrupt(); // keep the host's interrupt for its caller
    throw new RuleLoadException(
        rule.name(), rule.source().orElse(null), "interrupted by the host during init");
  }

  /** A fresh instance through the start section and er_init, under the init deadline. */
  private GuardedCall.Result<RuleInstance> tryStart(Rule rule) {
    RuleInstance instance;
    try {
      instance =
          RuleInstance.create(
              rule.compiled,
              rule.checked,
              rule.manifest(),
              rule.limits(),
              clock,
              rule.state,
              new HeapBudget(rule.tableHeap));
    } catch (RuntimeException e) {
      return new GuardedCall.Fault<>(FailureKind.TRAP, "cannot instantiate: " + e.getMessage());
    } catch (OutOfMemoryError e) {
      return new GuardedCall.Fault<>(
          FailureKind.RESOURCE, "cannot instantiate: the JVM ran out of heap memory");
    } catch (Throwable e) {
      // Whatever else instantiation throws is this rule's failure, never the caller's thread's.
      return new GuardedCall.Fault<>(
          FailureKind.TRAP,
          "cannot instantiate: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    GuardedCall.Result<List<RuleAction>> result;
    try {
      result =
          GuardedCall.run(
              watchdog,
              rule.slot,
              rule.limits().initDeadline(),
              "start section + " + Abi.INIT,
              "limits.init_deadline",
              instance::initialize);
    } catch (IllegalStateException e) {
      return new GuardedCall.Fault<>(FailureKind.RESOURCE, e.getMessage());
    }
    if (result instanceof GuardedCall.Ok<List<RuleAction>> ok) {
      logInitLines(rule, ok.value());
      return new GuardedCall.Ok<>(instance);
    }
    if (result instanceof GuardedCall.Fault<List<RuleAction>> f) {
      return new GuardedCall.Fault<>(f.kind(), f.message());
    }
    return new GuardedCall.Interrupted<>();
  }

  private static void logInitLines(Rule rule, List<RuleAction> actions) {
    for (RuleAction a : actions) {
      if (a instanceof RuleAction.Log log) {
        LOG.atLevel(log.level()).log("rule '{}' init: {}", rule.name(), log.message());
      }
    }
  }

  /**
   * Runs one batch through the rule ({@code er_on_events}) on the caller's thread under the rule's
   * deadline. Events of points the rule does not subscribe to are left out. The daemon guarantees
   * one call at a time per rule.
   */
  public RuleOutcome evaluate(Rule rule, List<PointEvent> batch) {
    Objects.requireNonNull(batch, "batch");
    return call(
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
    return call(rule, Abi.ON_TICK, instance -> true, RuleInstance::onTick);
  }

  /**
   * @param prepare host work before the call, outside the deadline; false: nothing to run
   * @param body the rule's call, under the deadline
   */
  private RuleOutcome call(
      Rule rule,
      String export,
      Predicate<RuleInstance> prepare,
      Function<RuleInstance, List<RuleAction>> body) {
    Objects.requireNonNull(rule, "rule");
    if (rule.unloaded) {
      return new Skipped("rule '" + rule.name() + "' is unloaded");
    }
    if (rule.status() == RuleStatus.DISABLED) {
      return new Skipped("rule '" + rule.name() + "' is disabled");
    }
    readmitIfDue(rule);
    if (rule.status() == RuleStatus.QUARANTINED) {
      return new Skipped(
          "rule '"
              + rule.name()
              + "' is quarantined"
              + rule.quarantineCause()
                  .map(f -> " (" + f.kind() + ": " + f.message() + ")")
                  .orElse(""));
    }
    if (Thread.currentThread().isInterrupted()) {
      return new Skipped("the calling thread is interrupted; the rule was not run");
    }
    RuleInstance instance = rule.instance;
    if (instance == null) {
      GuardedCall.Result<RuleInstance> started = tryStart(rule);
      if (started instanceof GuardedCall.Fault<RuleInstance> f) {
        return fault(
            rule, f.kind(), "re-initialisation after a fault failed: " + f.message(), null);
      }
      if (started instanceof GuardedCall.Interrupted<RuleInstance>) {
        return new Skipped("interrupted by the host while re-initialising the rule");
      }
      instance = ((GuardedCall.Ok<RuleInstance>) started).value();
      rule.instance = instance;
    }
    RuleInstance running = instance;
    if (!prepare.test(running)) {
      return new Committed(List.of()); // nothing in the batch is for this rule
    }
    GuardedCall.Result<List<RuleAction>> result;
    try {
      result =
          GuardedCall.run(
              watchdog,
              rule.slot,
              rule.limits().deadline(),
              export,
              "limits.deadline",
              () -> body.apply(running));
    } catch (IllegalStateException e) {
      return new Skipped("not run: " + e.getMessage());
    }
    if (result instanceof GuardedCall.Ok<List<RuleAction>> ok) {
      return commit(rule, ok.value());
    }
    rule.state.discard();
    rule.instance = null; // never run again on memory a failure may have left half-updated
    if (result instanceof GuardedCall.Fault<List<RuleAction>> f) {
      return fault(rule, f.kind(), f.message(), null);
    }
    return new Skipped("interrupted by the host; nothing committed");
  }

  /**
   * A call returned normally: its actions pass the rate limit and its state changes are saved, or
   * the call fails and neither its actions nor its state changes are committed.
   */
  private RuleOutcome commit(Rule rule, List<RuleAction> actions) {
    if (!actions.isEmpty() && !rule.rate.tryTake(actions.size(), clock.millis())) {
      rule.state.discard();
      // A fault discards the instance like any other: its memory believes this call's actions
      // and state changes went through, and the next call must not run on that belief.
      rule.instance = null;
      return fault(
          rule,
          FailureKind.LIMIT,
          actions.size()
              + " actions exceed the rule's rate of "
              + rule.rate.perSecond()
              + " per second (limits.actions_per_second); none committed",
          null);
    }
    RuleState state = rule.state;
    if (state.dirty()) {
      if (rule.persistent) {
        try {
          stateStore.save(rule.name(), state.pending());
        } catch (IOException | RuntimeException e) {
          state.discard();
          rule.instance = null; // as above: nothing was committed, the instance thinks otherwise
          LOG.error("rule '{}': cannot save its state", rule.name(), e);
          return fault(
              rule,
              FailureKind.RESOURCE,
              "cannot save the rule's state: " + e.getMessage() + "; none committed",
              e);
        }
      }
      state.commit();
    }
    return new Committed(actions);
  }

  private Failed fault(Rule rule, FailureKind kind, String message, Throwable cause) {
    RuleFault fault = new RuleFault(clock.instant(), kind, message);
    rule.noteFault(fault.at());
    boolean quarantine = rule.faults.record(fault);
    if (quarantine && rule.status() == RuleStatus.ACTIVE) {
      rule.quarantine(fault);
      LOG.warn(
          "rule '{}' quarantined: {} faults within {}; last: {} {}; re-admission at {}",
          rule.name(),
          rule.limits().quarantineAfter(),
          DurationText.format(rule.limits().faultWindow()),
          kind,
          message,
          rule.readmitAt().map(Instant::toString).orElse("?"));
    } else {
      LOG.debug("rule '{}' fault: {} {}", rule.name(), kind, message, cause);
    }
    return new Failed(kind, message);
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
      readmit(rule, "by an operator");
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
    if (rule.unloaded || rule.status() != RuleStatus.QUARANTINED) {
      return false;
    }
    Instant due = rule.readmitAt().orElse(null);
    if (due == null || clock.instant().isBefore(due)) {
      return false;
    }
    readmit(rule, "automatically after its backoff");
    return true;
  }

  private void readmit(Rule rule, String how) {
    rule.faults.reset();
    rule.instance = null;
    rule.activate();
    LOG.info("rule '{}' re-admitted {}", rule.name(), how);
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
