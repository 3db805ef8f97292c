package io.edgerule.daemon;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointInfo;
import io.edgerule.daemon.adapters.AdapterSet;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.http.StatusServer;
import io.edgerule.daemon.metrics.PrometheusMetrics;
import io.edgerule.daemon.metrics.RuleMeters;
import io.edgerule.daemon.metrics.StateMetrics;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.mqtt.UplinkFactory;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.namespace.Namespaces;
import io.edgerule.daemon.ota.GatewayOta;
import io.edgerule.daemon.ota.HealthCounters;
import io.edgerule.daemon.pipeline.ActionDispatcher;
import io.edgerule.daemon.pipeline.Commands;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.daemon.pipeline.TelemetryAtIngress;
import io.edgerule.daemon.reload.ConfigSource;
import io.edgerule.daemon.reload.ReloadReport;
import io.edgerule.daemon.rules.RuleShadows;
import io.edgerule.daemon.rules.RuleSupervisor;
import io.edgerule.daemon.rules.SwapTiming;
import io.edgerule.daemon.state.LatestSamples;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleLoadException;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.RuleStateStore;
import io.edgerule.sandbox.ShadowReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: adapters → ingress queue → rules (batches per rule) → actions (device writes,
 * MQTT publications, alarms), plus telemetry, state and commands over MQTT. It owns every thread it
 * uses.
 *
 * <p>This class is the composition root: it builds the parts and wires them together, and does
 * nothing else. The parts: {@link GatewayThreads} (shared threads), {@link AdapterSet} (adapters by
 * config key, each with its own blocking lane), {@link RuleSupervisor} (rules, routes, ticks, swap,
 * shadow), {@link DispatchLoop} (the dispatcher thread), {@link ActionDispatcher} (rule actions),
 * {@link StateReporter} (the typed state snapshot), the uplink and the OTA updater ({@link
 * OtaAtStart}: which rules a start loads). What it does once built has classes of its own: {@link
 * RecurringWork} (the scheduler's tasks), {@link GatewayReload} (a new config) and {@link
 * GatewayShutdown} (the order of a clean stop).
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.start(config, factories, GatewayListener.NONE, Clock.systemUTC())) {
 *   ...
 * } // close(): in-flight batches finish, their writes complete, connections close
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final FleetNamespace namespace;
  private final GatewayThreads threads;
  private final AdapterSet adapters;
  private final Ingress ingress;
  private final Uplink uplink;
  private final RuleSupervisor rules;
  private final RuleShadows shadows;
  private final ActionDispatcher dispatcher;
  private final Thread dispatchThread;
  private final Liveness liveness = new Liveness(System::nanoTime);
  private final StateReporter state;
  private final GatewayOta ota;
  private final PrometheusMetrics metrics = new PrometheusMetrics();
  private final RuleMeters ruleMeters;
  private final LatestSamples latest;
  private final GatewayReload reloads;
  private final GatewayShutdown shutdown;
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
    String id = config.gateway().id();
    this.namespace =
        Namespaces.create(config.mqtt(), id, config.gateway().stateDir(), clock, this::points);
    Files.createDirectories(config.gateway().stateDir());
    this.threads = new GatewayThreads(config);
    this.ingress = new Ingress(config.pipeline().queueCapacity(), clock);
    ThreadFactory adapterThreads = GatewayThreads.named("edgerule-adapter");
    this.adapters =
        new AdapterSet(
            AdapterSet.plan(config.devices(), factories).values(),
            // What every adapter shares, with a blocking lane of its own.
            lane ->
                new AdapterContext(
                    threads.scheduler,
                    lane,
                    adapterThreads,
                    clock,
                    config.gateway().stateDir(),
                    metrics),
            threads.scheduler,
            config.pipeline().adapterTimeout(),
            GatewayThreads.named("edgerule-adapter-close"),
            ingress);
    this.uplink = givenUplink != null ? givenUplink : UplinkFactory.openOrNone(config, namespace);
    // Telemetry enters the outbox on the adapter's thread: per point as each sample comes in,
    // batches when the device's read cycle ends (or its window runs out: the dispatch thread).
    var telemetry =
        new TelemetryAtIngress(namespace, uplink::publish, config.mqtt(), config.deviceTelemetry());
    ingress.journal(telemetry);
    ingress.journalBurst(uplink::batch); // one wake-up of the outbox's sender per response
    // The adapters start now, before the rule engine warms up and compiles the rules (the longest
    // part of a start after the JVM's own: docs/benchmarks.md, "Start-up and event to action"):
    // devices connect and the first polls' telemetry reaches the outbox meanwhile. Their events
    // wait in the ingress queue until the dispatch thread starts, after the rules are loaded, so
    // the rules still see them all (up to pipeline.queue_capacity; beyond it the oldest are
    // dropped and counted, as in any overload).
    adapters.startAll();
    try {
      this.dispatcher =
          new ActionDispatcher(
              adapters.directory(), uplink, namespace, listener, clock, config.pipeline());
      RuleEngine engine =
          new RuleEngine(
              config.ruleLimits(),
              threads.watchdog,
              clock,
              RuleStateStore.directory(config.gateway().stateDir()));
      HealthCounters health = new HealthCounters(dispatcher);
      this.ruleMeters = new RuleMeters(metrics, health);
      this.rules =
          new RuleSupervisor(
              engine,
              threads.ruleThreads,
              threads.scheduler,
              ruleMeters,
              config.pipeline(),
              listener,
              this::points,
              config.rules());
      this.shadows = new RuleShadows(rules);
      this.latest = new LatestSamples(adapters.directory().all());
      this.state =
          new StateReporter(
              id, clock, adapters::health, rules, dispatcher, ingress, uplink, namespace);
      StateMetrics.register(metrics, ingress, uplink);
      // The rules are loaded here: an OTA image's or the config's.
      this.ota = OtaAtStart.open(config, rules, health, threads.deployThread, uplink, clock);
      this.reloads =
          new GatewayReload(
              config,
              factories,
              adapters,
              rules,
              ota,
              latest,
              namespace,
              uplink,
              (gateway, devices) ->
                  ingress.betweenEvents(() -> telemetry.settings(gateway, devices)),
              threads.reloadThread);
      Commands.Reloader reloadCommand =
          () -> reload().thenApply(r -> new Commands.Reloader.Answer(r.status(), r.summary()));
      new Commands(uplink, namespace, dispatcher, rules, () -> snapshot("online"), reloadCommand)
          .subscribe();
      this.dispatchThread =
          GatewayThreads.named("edgerule-dispatch")
              .newThread(new DispatchLoop(ingress, rules, latest, listener, liveness));
      this.shutdown =
          new GatewayShutdown(
              ingress,
              rules,
              dispatchThread,
              dispatcher,
              adapters,
              uplink,
              namespace,
              state,
              ota,
              engine,
              threads);
    } catch (IOException | RuntimeException e) {
      GatewayShutdown.abandonBuild(ingress, adapters, uplink, threads);
      throw e;
    }
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
    // The adapters started while it was built; their events reach the rules from now on.
    Gateway gw = new Gateway(config, factories, listener, clock, uplink);
    gw.dispatchThread.start();
    gw.rules.startTicks();
    RecurringWork.schedule(
        gw.threads.scheduler,
        config.pipeline().healthInterval(),
        clock,
        gw.state,
        gw.rules,
        gw.liveness,
        gw::health,
        gw.namespace,
        gw.uplink,
        gw.dispatcher.outbox());
    gw.statusServer =
        gw.state
            .serveHttp(config.http(), gw.metrics, gw.latest, gw.ruleMeters, gw.liveness)
            .orElse(null);
    log.info(
        "gateway {} running: {} adapters, {} rules loaded, {} failed",
        config.gateway().id(),
        gw.adapters.size(),
        gw.rules.slots().size(),
        gw.rules.failedRules().size());
    return gw;
  }

  /** Every point of the gateway's devices (for the namespace's births; after construction). */
  private List<PointInfo> points() {
    return adapters.directory().all();
  }

  /**
   * Where {@link #reload()} reads the config from ({@code edgerule run}: its {@code --config}
   * file); until it is set, a reload is refused.
   */
  public void reloadFrom(ConfigSource source) {
    reloads.source(source);
  }

  /**
   * Reads the config again and applies what changed (docs/reference/config.md, "Reload"), on the
   * gateway's reload thread, one reload at a time; SIGHUP, a change of the file and the MQTT {@code
   * reload} command all come here.
   */
  public CompletableFuture<ReloadReport> reload() {
    return reloads.reload();
  }

  /** Applies {@code next}, a loaded config, like a reload (embedding and tests); waits for it. */
  public ReloadReport apply(GatewayConfig next) {
    return reloads.apply(next);
  }

  /** The typed state snapshot (the namespace publishes it on every health interval). */
  public GatewayState snapshot(String status) {
    return state.snapshot(status);
  }

  public List<AdapterHealth> health() {
    return adapters.health();
  }

  /** Loaded rules (active or quarantined). */
  public List<Rule> rules() {
    return rules.rules();
  }

  /** Rules that failed to load, with the reason. */
  public Map<String, String> failedRules() {
    return Map.copyOf(rules.failedRules());
  }

  /**
   * Replaces a running rule with a new version between two of its batches; see {@link
   * RuleSupervisor#swap}. Code must come from a trusted source (the OTA path verifies signatures;
   * there is deliberately no MQTT command for this).
   *
   * @throws RuleLoadException if the new version cannot be loaded (the old one keeps running)
   */
  public SwapTiming swapRule(String name, byte[] wasm, RuleManifest manifest) {
    return rules.swap(name, wasm, manifest);
  }

  /** {@link #swapRule(String, byte[], RuleManifest)} from a module file. */
  public SwapTiming swapRule(String name, Path wasm, RuleManifest manifest) {
    try {
      return swapRule(name, Files.readAllBytes(wasm), manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + wasm, e);
    }
  }

  /** Runs a shadow candidate beside the active rule; see {@link RuleShadows#startShadow}. */
  public void startShadow(String name, byte[] wasm, RuleManifest manifest) {
    shadows.startShadow(name, wasm, manifest);
  }

  /** The running shadow's comparison so far. */
  public Optional<ShadowReport> shadowReport(String name) {
    return shadows.shadowReport(name);
  }

  /** Stops the shadow and returns its final report (empty if none ran). */
  public Optional<ShadowReport> stopShadow(String name) {
    return shadows.stopShadow(name);
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
   * "offline" state) and stop every thread ({@link GatewayShutdown}).
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("gateway {} stopping", config.gateway().id());
    shutdown.run(statusServer);
    log.info("gateway {} stopped", config.gateway().id());
  }
}
