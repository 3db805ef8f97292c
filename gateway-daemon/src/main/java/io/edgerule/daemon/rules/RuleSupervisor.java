package io.edgerule.daemon.rules;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.ota.RuleTable;
import io.edgerule.daemon.pipeline.Commands;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleLoadException;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.RuleStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded rules: their slots, which events go to which rule (routes), their tick timers, and
 * what changes them at run time: loading from the config, OTA deploys ({@link RuleTable}), operator
 * control ({@link Commands.RuleControl}) and hot swap; shadow runs are {@link RuleShadows}'. Safe
 * to use from any thread.
 *
 * <p>The dispatcher reads the routes for every event, the scheduler reads the slots for ticks and
 * re-admission, deploys and commands change them: the slots and the routes made from them are one
 * immutable {@link Table}, replaced whole under this object's lock and read through a volatile
 * field, so a reader always sees a complete, consistent set.
 */
public final class RuleSupervisor implements RuleTable, Commands.RuleControl {
  private static final Logger log = LoggerFactory.getLogger(RuleSupervisor.class);

  /** How long a change that waits for a rule's turn may take (a batch in flight). */
  private static final long BETWEEN_BATCHES_SECONDS = 30;

  /**
   * The slots and the routes computed from them. The route cache fills lazily and belongs to this
   * table: a route computed from an old table can never land in a newer one.
   */
  private record Table(List<RuleSlot> slots, Map<PointId, List<RuleSlot>> routes) {
    Table(List<RuleSlot> slots) {
      this(List.copyOf(slots), new ConcurrentHashMap<>());
    }

    List<RuleSlot> subscribers(PointId point) {
      // get first: computeIfAbsent made its capturing lambda for every event (JFR, batch mode)
      List<RuleSlot> known = routes.get(point);
      return known != null
          ? known
          : routes.computeIfAbsent(
              point, p -> slots.stream().filter(s -> s.rule().manifest().subscribes(p)).toList());
    }
  }

  private final RuleEngine engine;
  private final Executor ruleThreads;
  private final ScheduledExecutorService scheduler;
  private final RuleSlot.OutcomeHandler outcomes;
  private final PipelineConfig pipeline;
  private final GatewayListener listener;
  private final Supplier<List<PointInfo>> knownPoints;
  private final Map<String, ScheduledFuture<?>> tickTimers = new ConcurrentHashMap<>();
  private final Map<String, String> failed = Collections.synchronizedMap(new LinkedHashMap<>());
  private volatile Table table = new Table(List.of());
  private volatile List<RuleConfig> configured;

  /**
   * @param outcomes gets every batch's outcome (the rule meters, then the health counters)
   * @param knownPoints the devices' points now, to warn about rules that write points nobody offers
   * @param configured the config's {@code rules:}
   */
  public RuleSupervisor(
      RuleEngine engine,
      Executor ruleThreads,
      ScheduledExecutorService scheduler,
      RuleSlot.OutcomeHandler outcomes,
      PipelineConfig pipeline,
      GatewayListener listener,
      Supplier<List<PointInfo>> knownPoints,
      List<RuleConfig> configured) {
    this.engine = engine;
    this.ruleThreads = ruleThreads;
    this.scheduler = scheduler;
    this.outcomes = outcomes;
    this.pipeline = pipeline;
    this.listener = listener;
    this.knownPoints = knownPoints;
    this.configured = List.copyOf(configured);
  }

  /** Loads the config's enabled rules; one that fails is recorded and the others load. */
  public void loadConfigured() {
    for (RuleConfig rc : configured) {
      if (!rc.enabled()) {
        log.info("rule '{}' is disabled in the config", rc.name());
        continue;
      }
      // Ticks start with the gateway (startTicks), not while it is still being built.
      loadOne(rc).ifPresent(this::publish);
    }
  }

  /** The rule of {@code rc} in a new slot, or empty (recorded as failed, listener told). */
  Optional<RuleSlot> loadOne(RuleConfig rc) {
    try {
      RuleManifest manifest = RuleManifest.load(rc.manifest());
      Rule rule = engine.load(rc.name(), rc.wasm(), manifest);
      failed.remove(rc.name());
      log.info("rule '{}' loaded from {}", rc.name(), rc.wasm());
      return Optional.of(newSlot(rule));
    } catch (Exception e) {
      String why = e.getMessage();
      failed.put(rc.name(), why);
      log.error("rule '{}' not loaded: {}", rc.name(), why);
      try {
        listener.onRuleLoadFailed(rc.name(), why);
      } catch (RuntimeException ex) {
        log.warn("listener failed: {}", ex.toString());
      }
      return Optional.empty();
    }
  }

  /** Starts the tick timers of every loaded rule (when the gateway starts). */
  public void startTicks() {
    for (RuleSlot slot : table.slots()) {
      scheduleTicks(slot);
    }
  }

  /** The slots subscribed to {@code point} (the dispatcher, per event: a cached lookup). */
  public List<RuleSlot> subscribers(PointId point) {
    return table.subscribers(point);
  }

  /**
   * Re-admits quarantined rules whose backoff has run out even when no event arrives for them, on
   * each rule's own turn (never beside one of its batches), so the state shows them ACTIVE again.
   */
  public void readmitDue(Instant now) {
    for (RuleSlot slot : table.slots()) {
      Rule rule = slot.rule();
      if (rule.status() == RuleStatus.QUARANTINED
          && rule.readmitAt().map(at -> !now.isBefore(at)).orElse(false)) {
        slot.runBetweenBatches(() -> engine.readmitIfDue(slot.rule()));
      }
    }
  }

  /** Loaded rules (active or quarantined). */
  public List<Rule> rules() {
    return table.slots().stream().map(RuleSlot::rule).toList();
  }

  /** Whether a rule of that name is loaded. */
  public boolean isLoaded(String name) {
    return table.slots().stream().anyMatch(s -> s.name().equals(name));
  }

  /** The config's {@code rules:} from now on (a config reload). */
  void configure(List<RuleConfig> rules) {
    this.configured = List.copyOf(rules);
  }

  /** Rules that failed to load, with the reason. */
  public Map<String, String> failedRules() {
    synchronized (failed) {
      return new LinkedHashMap<>(failed);
    }
  }

  /** Stops every tick timer (shutdown). */
  public void stopTicks() {
    tickTimers.values().forEach(t -> t.cancel(false));
  }

  /** Waits until every rule has worked off its inbox; false for each one that did not in time. */
  public void awaitIdle(long deadlineNanos) throws InterruptedException {
    for (RuleSlot slot : table.slots()) {
      if (!slot.awaitIdle(deadlineNanos)) {
        log.warn("rule '{}' did not finish its queued events before shutdown", slot.name());
      }
    }
  }

  // ---- RuleTable: OTA deploys ----

  @Override
  public List<RuleSlot> slots() {
    return table.slots();
  }

  @Override
  public RuleSlot newSlot(Rule rule) {
    return new RuleSlot(
        rule,
        engine,
        ruleThreads,
        outcomes,
        pipeline.batchSize(),
        pipeline.queueCapacity(),
        pipeline.ruleCpuShare(),
        scheduler);
  }

  @Override
  public void add(RuleSlot slot) {
    publish(slot);
    scheduleTicks(slot);
  }

  /** Routes events to the slot from now on (no ticks yet). */
  private void publish(RuleSlot slot) {
    synchronized (this) {
      List<RuleSlot> next = new ArrayList<>(table.slots());
      next.add(slot);
      table = new Table(next);
    }
    warnAboutUnknownOutputs(slot.rule());
  }

  @Override
  public void remove(RuleSlot slot) {
    synchronized (this) {
      List<RuleSlot> next = new ArrayList<>(table.slots());
      next.remove(slot);
      table = new Table(next);
    }
    ScheduledFuture<?> ticks = tickTimers.remove(slot.name());
    if (ticks != null) {
      ticks.cancel(false);
    }
  }

  @Override
  public void rerouted(RuleSlot slot) {
    synchronized (this) {
      table = new Table(table.slots()); // the new manifest may subscribe to other points
    }
    scheduleTicks(slot);
  }

  @Override
  public void setFailed(Map<String, String> newFailed) {
    synchronized (failed) {
      failed.clear();
      failed.putAll(newFailed);
    }
  }

  @Override
  public RuleEngine engine() {
    return engine;
  }

  @Override
  public List<RuleConfig> configured() {
    return configured;
  }

  // ---- operator control: enable/disable, hot swap, shadow ----

  /** The loaded rule's slot. */
  RuleSlot slot(String name) {
    List<RuleSlot> slots = table.slots();
    for (RuleSlot s : slots) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "no rule '"
            + name
            + "' is loaded (loaded: "
            + String.join(", ", slots.stream().map(RuleSlot::name).toList())
            + ")");
  }

  /** Re-admits a quarantined or disabled rule at once; returns its status. */
  @Override
  public String enable(String rule) {
    RuleSlot s = slot(rule);
    engine.enable(s.rule());
    return s.rule().status().name();
  }

  /** Switches a rule off until {@link #enable}; returns its status. */
  @Override
  public String disable(String rule) {
    RuleSlot s = slot(rule);
    engine.disable(s.rule());
    return s.rule().status().name();
  }

  /**
   * Replaces a running rule with a new version between two of its batches. The new version is
   * prepared on the caller's thread while the old one keeps running; its persistent state is handed
   * over; no event is lost or seen by both versions. Code must come from a trusted source.
   *
   * @throws RuleLoadException if the new version cannot be loaded (the old one keeps running)
   * @throws IllegalArgumentException if no such rule is loaded, or the manifest names another rule
   */
  public SwapTiming swap(String name, byte[] wasm, RuleManifest manifest) {
    RuleSlot s = slot(name);
    if (!manifest.name().equals(name)) {
      throw new IllegalArgumentException(
          "the manifest is for rule '" + manifest.name() + "', not '" + name + "'");
    }
    long t0 = System.nanoTime();
    Rule next = engine.prepareSwap(s.rule(), wasm, manifest.sourceName(), manifest);
    long t1 = System.nanoTime();
    CompletableFuture<Long> switched = new CompletableFuture<>();
    s.runBetweenBatches(
        () -> {
          try {
            engine.completeSwap(s.rule(), next);
            s.switchTo(next);
            rerouted(s);
            switched.complete(System.nanoTime());
          } catch (RuntimeException e) {
            engine.unload(next);
            switched.completeExceptionally(e);
          }
        });
    long t2 = await(switched, "swap of rule '" + name + "'");
    SwapTiming timing =
        new SwapTiming(
            name, next.moduleDigest(), Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1));
    log.info(
        "rule '{}' hot-swapped to {}: prepare {} ms, switch {} ms",
        name,
        next.moduleDigest().substring(0, 12),
        timing.prepare().toNanos() / 1e6,
        timing.switchover().toNanos() / 1e6);
    return timing;
  }

  private void scheduleTicks(RuleSlot slot) {
    ScheduledFuture<?> old = tickTimers.remove(slot.name());
    if (old != null) {
      old.cancel(false);
    }
    slot.rule()
        .manifest()
        .tickPeriod()
        .ifPresent(
            period ->
                tickTimers.put(
                    slot.name(),
                    scheduler.scheduleAtFixedRate(
                        slot::requestTick,
                        period.toNanos(),
                        period.toNanos(),
                        TimeUnit.NANOSECONDS)));
  }

  private void warnAboutUnknownOutputs(Rule rule) {
    List<PointInfo> known = knownPoints.get();
    for (var pattern : rule.manifest().writablePoints()) {
      if (known.stream().noneMatch(p -> pattern.matches(p.id()))) {
        log.warn(
            "rule '{}' may write '{}' but no configured device offers a matching point (yet)",
            rule.name(),
            pattern);
      }
    }
  }

  static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(BETWEEN_BATCHES_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          what + " did not happen within " + BETWEEN_BATCHES_SECONDS + " s", e);
    }
  }
}
