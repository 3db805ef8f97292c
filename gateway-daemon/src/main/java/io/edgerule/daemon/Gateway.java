package io.edgerule.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.http.StatusServer;
import io.edgerule.daemon.http.StatusView;
import io.edgerule.daemon.metrics.PrometheusMetrics;
import io.edgerule.daemon.metrics.RuleMeters;
import io.edgerule.daemon.metrics.StateMetrics;
import io.edgerule.daemon.mqtt.OutboxUplink;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.mqtt.UplinkFactory;
import io.edgerule.daemon.namespace.DeviceHealthWatch;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.namespace.Namespaces;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import io.edgerule.daemon.ota.GatewayOta;
import io.edgerule.daemon.ota.HealthCounters;
import io.edgerule.daemon.ota.RuleTable;
import io.edgerule.daemon.pipeline.ActionDispatcher;
import io.edgerule.daemon.pipeline.AdapterGuard;
import io.edgerule.daemon.pipeline.Commands;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.daemon.pipeline.PointDirectory;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.daemon.pipeline.TelemetryAtIngress;
import io.edgerule.daemon.state.LatestSamples;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleLoadException;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.RuleStateStore;
import io.edgerule.sandbox.RuleStatus;
import io.edgerule.sandbox.ShadowReport;
import io.edgerule.sandbox.ShadowRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: adapters → ingress queue → rules (batches per rule) → actions (device writes,
 * MQTT publications, alarms), plus telemetry, state and commands over MQTT. It owns every thread it
 * uses.
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.start(config, factories, GatewayListener.NONE, Clock.systemUTC())) {
 *   ...
 * } // close(): in-flight batches finish, their writes complete, connections close
 * }</pre>
 */
public final class Gateway implements AutoCloseable, Commands.RuleControl {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  private static final long SHUTDOWN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** How often device health is read for the namespace's device births and deaths. */
  private static final long DEVICE_HEALTH_POLL_MILLIS = 500;

  private static final ObjectMapper STATE_JSON = new ObjectMapper();

  private final GatewayConfig config;
  private final GatewayListener listener;
  private final Clock clock;
  private final FleetNamespace namespace;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService blockingIo;
  private final ExecutorService ruleThreads;
  private final ScheduledExecutorService watchdog;
  private final List<AdapterGuard> adapters;
  private final Ingress ingress;
  private final Uplink uplink;
  private final RuleEngine engine;
  // Changed by OTA deploys (RuleDeployment) while the dispatcher and the scheduler read them.
  private final List<RuleSlot> slots = new CopyOnWriteArrayList<>();
  private final Map<String, ScheduledFuture<?>> tickTimers = new ConcurrentHashMap<>();
  private final Map<String, String> failedRules =
      Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<PointId, List<RuleSlot>> routes = new ConcurrentHashMap<>();
  private final PointDirectory directory;
  private final ActionDispatcher dispatcher;
  private final Thread dispatchThread;
  private final Liveness liveness = new Liveness(System::nanoTime);
  private final HealthCounters health;
  private final ExecutorService deployThread;
  private final GatewayOta ota;
  private final PrometheusMetrics metrics = new PrometheusMetrics();
  private final RuleMeters ruleMeters;
  private final LatestSamples latest;
  private volatile StatusServer statusServer;
  private volatile boolean closed;

  private Gateway(
      GatewayConfig config,
      List<AdapterFactory<?>> factories,
      GatewayListener listener,
      Clock clock,
      Uplink givenUplink)
      throws IOException {
    this.config = config;
    this.listener = listener;
    this.clock = clock;
    String id = config.gateway().id();
    this.namespace =
        Namespaces.create(config.mqtt(), id, config.gateway().stateDir(), clock, this::points);
    Files.createDirectories(config.gateway().stateDir());

    ScheduledThreadPoolExecutor sched =
        new ScheduledThreadPoolExecutor(2, threads("edgerule-scheduler"));
    // Every device write arms a timeout (pipeline.adapter_timeout) that is cancelled when the
    // answer comes: drop cancelled timers at once instead of keeping them until they are due.
    sched.setRemoveOnCancelPolicy(true);
    scheduler = sched;
    blockingIo = Executors.newFixedThreadPool(4, threads("edgerule-io"));
    int stackKib = config.ruleLimits().stackKib();
    // rule_threads are kept ready; a rule whose turn comes while all are busy gets a new thread
    // (each rule has at most one turn queued or running, so at most one thread per rule): a good
    // rule never waits behind another rule's long batch, and CPU time is shared by the rules'
    // CPU shares (pipeline.rule_cpu_share) and the OS, not by queueing for a fixed pool.
    ruleThreads =
        new ThreadPoolExecutor(
            config.pipeline().ruleThreads(),
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            ruleThreads("edgerule-rule", stackKib));
    watchdog = Executors.newSingleThreadScheduledExecutor(threads("edgerule-watchdog"));

    AdapterContext context =
        new AdapterContext(
            scheduler,
            blockingIo,
            threads("edgerule-adapter"),
            clock,
            config.gateway().stateDir(),
            metrics);
    Duration adapterTimeout = config.pipeline().adapterTimeout();
    List<AdapterGuard> guards = new ArrayList<>();
    for (ProtocolAdapter a : createAdapters(config.devices(), factories, context)) {
      guards.add(new AdapterGuard(a, "adapter-" + (guards.size() + 1), scheduler, adapterTimeout));
    }
    this.adapters = List.copyOf(guards);
    this.ingress = new Ingress(config.pipeline().queueCapacity(), clock);
    this.uplink = givenUplink != null ? givenUplink : createUplink();
    this.directory = new PointDirectory(List.copyOf(adapters));
    adapters.forEach(g -> g.attach(directory));
    this.dispatcher =
        new ActionDispatcher(directory, uplink, namespace, listener, clock, config.pipeline());
    this.engine =
        new RuleEngine(
            config.ruleLimits(),
            watchdog,
            clock,
            RuleStateStore.directory(config.gateway().stateDir()));
    this.health = new HealthCounters(dispatcher);
    this.ruleMeters = new RuleMeters(metrics, health);
    this.latest = new LatestSamples(directory.all());
    StateMetrics.register(metrics, ingress, uplink);
    this.deployThread = Executors.newSingleThreadExecutor(threads("edgerule-deploy"));
    // The OTA status topic is the JSON scheme's whatever the fleet namespace (issue 14).
    String otaTopic =
        new JsonTopics(config.mqtt() == null ? "edgerule" : config.mqtt().topicPrefix(), id)
            .otaStatus();
    this.ota =
        GatewayOta.open(
            config,
            new Table(),
            health,
            deployThread,
            status -> uplink.publish(otaTopic, status.toJson(), 1, true),
            clock);
    if (!ota.loadAtStart()) { // the active image slot's rules, if one is committed or on trial
      loadRules();
    }
    ota.start();
    ota.follow(uplink); // ota.enabled: rollouts and rollback switches over MQTT
    new Commands(uplink, namespace, dispatcher, this, () -> snapshot("online")).subscribe();
    TelemetrySettings telemetrySettings =
        config.mqtt() == null
            ? new TelemetrySettings(TelemetrySettings.Mode.OFF, null)
            : config.mqtt().telemetrySettings();
    // Telemetry enters the outbox on the adapter's thread: per point as each sample comes in,
    // batches when the device's read cycle ends (or its window runs out: the dispatch thread).
    ingress.journal(
        new TelemetryAtIngress(
            namespace, uplink::publish, telemetrySettings, config.deviceTelemetry()));
    ingress.journalBurst(uplink::batch); // one wake-up of the outbox's sender per response
    this.dispatchThread = threads("edgerule-dispatch").newThread(this::dispatchLoop);
  }

  /** Builds and starts a gateway. Devices that do not answer yet are retried by their adapters. */
  public static Gateway start(
      GatewayConfig config,
      List<AdapterFactory<?>> factories,
      GatewayListener listener,
      Clock clock)
      throws IOException {
    return start(config, factories, listener, clock, null);
  }

  /**
   * Builds and starts a gateway that sends through {@code uplink} instead of an MQTT client made
   * from {@code config.mqtt()} (for embedding and tests; null: made from the config). The gateway
   * closes it.
   */
  public static Gateway start(
      GatewayConfig config,
      List<AdapterFactory<?>> factories,
      GatewayListener listener,
      Clock clock,
      Uplink uplink)
      throws IOException {
    Gateway gw = new Gateway(config, factories, listener, clock, uplink);
    gw.dispatchThread.start();
    for (AdapterGuard adapter : gw.adapters) {
      // The guard never throws and never waits: an adapter that fails or hangs in start() is
      // reported in its health, and the ones after it start all the same. Each adapter hands in
      // through its own lane, so a flooding adapter drops its own events, not the others'.
      adapter.start(gw.ingress.lane(adapter.name()));
    }
    for (RuleSlot slot : gw.slots) {
      gw.scheduleTicks(slot);
    }
    long every = config.pipeline().healthInterval().toMillis();
    gw.scheduler.scheduleAtFixedRate(gw::publishState, 0, every, TimeUnit.MILLISECONDS);
    gw.scheduler.scheduleAtFixedRate(gw::readmitDueRules, 1, 1, TimeUnit.SECONDS);
    gw.scheduler.scheduleAtFixedRate(
        gw.liveness::schedulerTurned, 0, Liveness.SCHEDULER_PROBE_MILLIS, TimeUnit.MILLISECONDS);
    DeviceHealthWatch devices =
        new DeviceHealthWatch(
            gw::health, (d, up) -> gw.namespace.deviceHealth(d, up, gw.uplink::publish));
    gw.scheduler.scheduleWithFixedDelay(
        devices::poll, 0, DEVICE_HEALTH_POLL_MILLIS, TimeUnit.MILLISECONDS);
    // Rule publications go out as acknowledgements free room in the uplink (RuleOutbox.WINDOW).
    gw.scheduler.scheduleWithFixedDelay(
        gw.dispatcher.outbox()::drain, 20, 20, TimeUnit.MILLISECONDS);
    StatusView view =
        new StatusView(
            () -> gw.snapshot("online"),
            gw.latest,
            gw.dispatcher::recentAlarms,
            gw.ruleMeters,
            gw.liveness);
    gw.statusServer =
        StatusServer.start(
                config.http(), gw.metrics, view::stateJson, view::health, threads("edgerule-http"))
            .orElse(null);
    log.info(
        "gateway {} running: {} adapters, {} rules loaded, {} failed",
        config.gateway().id(),
        gw.adapters.size(),
        gw.slots.size(),
        gw.failedRules.size());
    return gw;
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Rule threads get a bounded stack ({@code rule_limits.stack_kib}): recursion in a rule ends as a
   * RESOURCE fault of that rule at a known depth, whatever the JVM's default thread stack is.
   */
  private static ThreadFactory ruleThreads(String prefix, int stackKib) {
    AtomicInteger n = new AtomicInteger();
    ThreadGroup group = new ThreadGroup(prefix);
    return r -> {
      Thread t = new Thread(group, r, prefix + "-" + n.incrementAndGet(), stackKib * 1024L);
      t.setDaemon(true);
      return t;
    };
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

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<ProtocolAdapter> createAdapters(
      List<DeviceConfig> devices, List<AdapterFactory<?>> factories, AdapterContext context) {
    List<ProtocolAdapter> created = new ArrayList<>();
    for (AdapterFactory factory : factories) {
      List<DeviceConfig> mine =
          devices.stream().filter(d -> factory.configType().isInstance(d)).toList();
      if (!mine.isEmpty()) {
        created.addAll(factory.create(mine, context));
      }
    }
    return created;
  }

  private Uplink createUplink() throws IOException {
    if (config.mqtt() == null) {
      log.warn("no 'mqtt:' section: telemetry, alarms and rule publications are not sent anywhere");
      return Uplink.none();
    }
    return UplinkFactory.open(config, namespace);
  }

  private void loadRules() {
    for (RuleConfig rc : config.rules()) {
      if (!rc.enabled()) {
        log.info("rule '{}' is disabled in the config", rc.name());
        continue;
      }
      try {
        RuleManifest manifest = RuleManifest.load(rc.manifest());
        Rule rule = engine.load(rc.name(), rc.wasm(), manifest);
        slots.add(newSlot(rule));
        log.info("rule '{}' loaded from {}", rc.name(), rc.wasm());
        warnAboutUnknownOutputs(rule);
      } catch (Exception e) {
        String why = e.getMessage();
        failedRules.put(rc.name(), why);
        log.error("rule '{}' not loaded: {}", rc.name(), why);
        try {
          listener.onRuleLoadFailed(rc.name(), why);
        } catch (RuntimeException ex) {
          log.warn("listener failed: {}", ex.toString());
        }
      }
    }
  }

  private RuleSlot newSlot(Rule rule) {
    return new RuleSlot(
        rule,
        engine,
        ruleThreads,
        ruleMeters,
        config.pipeline().batchSize(),
        config.pipeline().queueCapacity(),
        config.pipeline().ruleCpuShare(),
        scheduler);
  }

  /** The loaded rules as OTA deploys change them. */
  private final class Table implements RuleTable {
    @Override
    public List<RuleSlot> slots() {
      return List.copyOf(slots);
    }

    @Override
    public RuleSlot newSlot(Rule rule) {
      return Gateway.this.newSlot(rule);
    }

    @Override
    public void add(RuleSlot slot) {
      slots.add(slot);
      rerouted(slot);
      warnAboutUnknownOutputs(slot.rule());
    }

    @Override
    public void remove(RuleSlot slot) {
      slots.remove(slot);
      routes.clear();
      ScheduledFuture<?> ticks = tickTimers.remove(slot.name());
      if (ticks != null) {
        ticks.cancel(false);
      }
    }

    @Override
    public void rerouted(RuleSlot slot) {
      routes.clear();
      scheduleTicks(slot);
    }

    @Override
    public void setFailed(Map<String, String> failed) {
      synchronized (failedRules) {
        failedRules.clear();
        failedRules.putAll(failed);
      }
    }

    @Override
    public RuleEngine engine() {
      return engine;
    }

    @Override
    public List<RuleConfig> configured() {
      return config.rules();
    }
  }

  private void warnAboutUnknownOutputs(Rule rule) {
    var known = directory.all();
    for (var pattern : rule.manifest().writablePoints()) {
      if (known.stream().noneMatch(p -> pattern.matches(p.id()))) {
        log.warn(
            "rule '{}' may write '{}' but no configured device offers a matching point (yet)",
            rule.name(),
            pattern);
      }
    }
  }

  private void dispatchLoop() {
    List<PointEvent> batch = new ArrayList<>(256);
    List<RuleSlot> due = new ArrayList<>();
    try {
      while (true) {
        batch.clear();
        // The drain also sends telemetry batches whose window ran out (the ingress's journal).
        if (!ingress.drain(batch, 256, 200, TimeUnit.MILLISECONDS)) {
          return;
        }
        liveness.dispatcherTurned();
        for (PointEvent event : batch) {
          toRules(event, due);
        }
        for (RuleSlot slot : due) {
          slot.startTurn();
        }
        due.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void toRules(PointEvent event, List<RuleSlot> due) {
    latest.record(event);
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("listener failed: {}", e.toString());
    }
    for (RuleSlot slot : routes.computeIfAbsent(event.point(), this::subscribers)) {
      if (slot.queue(event)) {
        due.add(slot);
      }
    }
  }

  private List<RuleSlot> subscribers(PointId point) {
    return slots.stream().filter(s -> s.rule().manifest().subscribes(point)).toList();
  }

  /**
   * Re-admits quarantined rules whose backoff has run out even when no event arrives for them, on
   * each rule's own turn (never beside one of its batches), so the state shows them ACTIVE again.
   */
  private void readmitDueRules() {
    Instant now = clock.instant();
    for (RuleSlot slot : slots) {
      Rule rule = slot.rule();
      if (rule.status() == RuleStatus.QUARANTINED
          && rule.readmitAt().map(at -> !now.isBefore(at)).orElse(false)) {
        slot.runBetweenBatches(() -> engine.readmitIfDue(slot.rule()));
      }
    }
  }

  private void publishState() {
    try {
      namespace.state(snapshot("online"), uplink::publish);
    } catch (RuntimeException e) {
      log.warn("state snapshot failed: {}", e.toString());
    }
  }

  /** The state snapshot (the namespace publishes it on every health interval). */
  public GatewayState snapshot(String status) {
    return StateSnapshots.collect(
        status,
        config.gateway().id(),
        clock.instant(),
        health(),
        slots,
        failedRules,
        dispatcher,
        ingress,
        uplink);
  }

  /** The state snapshot in the JSON namespace's form, as a tree (for {@code health} and tests). */
  public ObjectNode state(String status) {
    try {
      return (ObjectNode) STATE_JSON.readTree(JsonNamespace.stateJson(snapshot(status)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen reading our own JSON", e);
    }
  }

  /** Every point of the gateway's devices (for the namespace's births; after construction). */
  private List<io.edgerule.adapter.PointInfo> points() {
    return directory.all();
  }

  public List<AdapterHealth> health() {
    List<AdapterHealth> out = new ArrayList<>();
    for (AdapterGuard a : adapters) {
      out.add(a.health()); // never throws: a failing health() is reported as DOWN with the reason
    }
    return out;
  }

  /** Loaded rules (active or quarantined). */
  public List<Rule> rules() {
    return slots.stream().map(RuleSlot::rule).toList();
  }

  // ---- rule control: enable/disable, hot swap, shadow ----

  private RuleSlot slot(String name) {
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
   * How long a hot swap took.
   *
   * @param prepare validate + compile (or cache hit) + init of the new version, while the old one
   *     kept running
   * @param switchover from the moment the new version was ready to the switch between two batches
   *     (waits for the batch in flight)
   */
  public record SwapTiming(String rule, String module, Duration prepare, Duration switchover) {
    /** Request to switch: {@code prepare + switchover}. */
    public Duration total() {
      return prepare.plus(switchover);
    }
  }

  /**
   * Replaces a running rule with a new version between two of its batches. The new version is
   * prepared on the caller's thread while the old one keeps running; its persistent state is handed
   * over; no event is lost or seen by both versions. Code must come from a trusted source (the OTA
   * path verifies signatures; there is deliberately no MQTT command for this).
   *
   * @throws RuleLoadException if the new version cannot be loaded (the old one keeps running)
   * @throws IllegalArgumentException if no such rule is loaded, or the manifest names another rule
   */
  public SwapTiming swapRule(String name, byte[] wasm, RuleManifest manifest) {
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
            routes.clear(); // the new manifest may subscribe to other points
            scheduleTicks(s);
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

  /** {@link #swapRule(String, byte[], RuleManifest)} from a module file. */
  public SwapTiming swapRule(String name, Path wasm, RuleManifest manifest) {
    try {
      return swapRule(name, Files.readAllBytes(wasm), manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + wasm, e);
    }
  }

  /**
   * Runs {@code wasm} as a shadow candidate beside the active rule: same batches and ticks, its
   * actions compared and reported ({@link #shadowReport}), never executed; its state is a private
   * copy. Replaces a running shadow of the same rule.
   */
  public void startShadow(String name, byte[] wasm, RuleManifest manifest) {
    RuleSlot s = slot(name);
    Rule candidate = engine.loadShadow(s.rule(), wasm, manifest.sourceName(), manifest);
    CompletableFuture<Long> started = new CompletableFuture<>();
    s.runBetweenBatches(
        () -> {
          ShadowRun old = s.shadow();
          s.setShadow(new ShadowRun(engine, candidate));
          if (old != null) {
            engine.unload(old.candidate());
          }
          started.complete(0L);
        });
    await(started, "shadow start of rule '" + name + "'");
  }

  /** The running shadow's comparison so far. */
  public Optional<ShadowReport> shadowReport(String name) {
    ShadowRun run = slot(name).shadow();
    return run == null ? Optional.empty() : Optional.of(run.report());
  }

  /** Stops the shadow and returns its final report (empty if none ran). */
  public Optional<ShadowReport> stopShadow(String name) {
    RuleSlot s = slot(name);
    CompletableFuture<ShadowReport> stopped = new CompletableFuture<>();
    s.runBetweenBatches(
        () -> {
          ShadowRun run = s.shadow();
          s.setShadow(null);
          if (run != null) {
            engine.unload(run.candidate());
          }
          stopped.complete(run == null ? null : run.report());
        });
    return Optional.ofNullable(await(stopped, "shadow stop of rule '" + name + "'"));
  }

  private static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " did not happen within 30 s", e);
    }
  }

  /**
   * Closes every adapter at once, each on a thread of its own, and waits at most {@code
   * pipeline.adapter_timeout} for them all: one adapter blocking in close() used to hang the
   * shutdown for ever, and the adapters after it were never closed.
   */
  private void closeAdapters() {
    ThreadFactory closers = threads("edgerule-adapter-close");
    List<Thread> closing = new ArrayList<>();
    for (AdapterGuard adapter : adapters) {
      closing.add(adapter.closeWithin(closers));
    }
    long timeoutMillis = config.pipeline().adapterTimeout().toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (int i = 0; i < closing.size(); i++) {
      Thread t = closing.get(i);
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        adapters.get(i).closeTimedOut(timeoutMillis);
      }
    }
  }

  /** The port of the status page, health and metrics server, if it runs ({@code http:}). */
  public OptionalInt httpPort() {
    StatusServer s = statusServer;
    return s == null ? OptionalInt.empty() : OptionalInt.of(s.port());
  }

  /** Whether the pipeline's threads still turn (for systemd's watchdog). */
  public Liveness liveness() {
    return liveness;
  }

  /** Rules that failed to load, with the reason. */
  public Map<String, String> failedRules() {
    return Map.copyOf(failedRules);
  }

  /** OTA updates: the image store, the deploy port and the updater. */
  public GatewayOta ota() {
    return ota;
  }

  public ActionDispatcher actions() {
    return dispatcher;
  }

  public Uplink uplink() {
    return uplink;
  }

  /** How this gateway's events look on the wire ({@code mqtt.namespace}). */
  public FleetNamespace namespace() {
    return namespace;
  }

  /**
   * Clean shutdown: stop taking samples, let queued events reach their rules, let in-flight batches
   * and their device writes finish, then close devices and the uplink (publishing a retained
   * "offline" state) and stop every thread.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("gateway {} stopping", config.gateway().id());
    StatusServer server = statusServer;
    if (server != null) {
      server.close();
    }
    long deadline = System.nanoTime() + SHUTDOWN_GRACE_NANOS;
    ingress.close();
    tickTimers.values().forEach(t -> t.cancel(false));
    try {
      dispatchThread.join(TimeUnit.NANOSECONDS.toMillis(SHUTDOWN_GRACE_NANOS));
      for (RuleSlot slot : slots) {
        if (!slot.awaitIdle(deadline)) {
          log.warn("rule '{}' did not finish its queued events before shutdown", slot.name());
        }
      }
      dispatcher.awaitWrites(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeAdapters();
    dispatcher.outbox().drain(); // what the window takes now; the rest is dropped with the uplink
    if (uplink instanceof OutboxUplink outboxUplink) {
      List<OutboundMessage> last = new ArrayList<>();
      namespace.death(snapshot("offline").withStatus("offline", "shutdown"), last::add);
      outboxUplink.closeWith(last);
    } else {
      uplink.close();
    }
    ota.close();
    engine.close();
    for (ExecutorService e : List.of(deployThread, ruleThreads, scheduler, blockingIo, watchdog)) {
      e.shutdownNow();
    }
    log.info("gateway {} stopped", config.gateway().id());
  }
}
