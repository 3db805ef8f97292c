package io.edgerule.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
import io.edgerule.daemon.mqtt.PahoUplink;
import io.edgerule.daemon.mqtt.Payloads;
import io.edgerule.daemon.mqtt.Topics;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.pipeline.ActionDispatcher;
import io.edgerule.daemon.pipeline.Commands;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.daemon.pipeline.PointDirectory;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttException;
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
public final class Gateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  private static final long SHUTDOWN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final GatewayConfig config;
  private final GatewayListener listener;
  private final Clock clock;
  private final Topics topics;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService blockingIo;
  private final ExecutorService ruleThreads;
  private final ScheduledExecutorService watchdog;
  private final ScheduledExecutorService mqttThreads;
  private final List<ProtocolAdapter> adapters;
  private final Ingress ingress;
  private final Uplink uplink;
  private final RuleEngine engine;
  private final List<RuleSlot> slots = new ArrayList<>();
  private final Map<String, String> failedRules = new LinkedHashMap<>();
  private final Map<PointId, List<RuleSlot>> routes = new ConcurrentHashMap<>();
  private final PointDirectory directory;
  private final ActionDispatcher dispatcher;
  private final Thread dispatchThread;
  private volatile boolean closed;

  private Gateway(
      GatewayConfig config,
      List<AdapterFactory<?>> factories,
      GatewayListener listener,
      Clock clock)
      throws IOException {
    this.config = config;
    this.listener = listener;
    this.clock = clock;
    String id = config.gateway().id();
    this.topics = new Topics(config.mqtt() == null ? "edgerule" : config.mqtt().topicPrefix(), id);
    Files.createDirectories(config.gateway().stateDir());

    scheduler = Executors.newScheduledThreadPool(2, threads("edgerule-scheduler"));
    blockingIo = Executors.newFixedThreadPool(4, threads("edgerule-io"));
    ruleThreads =
        Executors.newFixedThreadPool(config.pipeline().ruleThreads(), threads("edgerule-rule"));
    watchdog = Executors.newSingleThreadScheduledExecutor(threads("edgerule-watchdog"));
    mqttThreads = Executors.newScheduledThreadPool(6, threads("edgerule-mqtt"));

    AdapterContext context =
        new AdapterContext(
            scheduler, blockingIo, threads("edgerule-adapter"), clock, config.gateway().stateDir());
    this.adapters = createAdapters(config.devices(), factories, context);
    this.ingress = new Ingress(config.pipeline().queueCapacity(), clock);
    this.uplink = createUplink();
    this.directory = new PointDirectory(adapters);
    this.dispatcher = new ActionDispatcher(directory, uplink, topics, listener, clock);
    this.engine = new RuleEngine(config.ruleLimits().toLimits(), watchdog, clock);
    loadRules();
    new Commands(uplink, topics, dispatcher).subscribe();
    this.dispatchThread = threads("edgerule-dispatch").newThread(this::dispatchLoop);
  }

  /** Builds and starts a gateway. Devices that do not answer yet are retried by their adapters. */
  public static Gateway start(
      GatewayConfig config,
      List<AdapterFactory<?>> factories,
      GatewayListener listener,
      Clock clock)
      throws IOException {
    Gateway gw = new Gateway(config, factories, listener, clock);
    gw.dispatchThread.start();
    for (ProtocolAdapter adapter : gw.adapters) {
      adapter
          .start(gw.ingress)
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  log.error("adapter {} failed to start: {}", adapter.name(), e.toString());
                }
              });
    }
    long every = config.pipeline().healthInterval().toMillis();
    gw.scheduler.scheduleAtFixedRate(gw::publishState, 0, every, TimeUnit.MILLISECONDS);
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

  private Uplink createUplink() {
    if (config.mqtt() == null) {
      log.warn("no 'mqtt:' section: telemetry, alarms and rule publications are not sent anywhere");
      return Uplink.none();
    }
    ObjectNode online = Payloads.object().put("status", "online");
    ObjectNode offline =
        Payloads.object().put("status", "offline").put("reason", "connection lost");
    try {
      return new PahoUplink(
          config.mqtt(),
          config.mqtt().clientIdFor(config.gateway().id()),
          topics.state(),
          Payloads.bytes(online),
          Payloads.bytes(offline),
          mqttThreads);
    } catch (MqttException e) {
      throw new IllegalStateException("cannot create MQTT client: " + e, e);
    }
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
        slots.add(
            new RuleSlot(
                rule,
                engine,
                ruleThreads,
                dispatcher,
                config.pipeline().batchSize(),
                config.pipeline().queueCapacity()));
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
    try {
      while (true) {
        batch.clear();
        if (!ingress.drain(batch, 256, 200, TimeUnit.MILLISECONDS)) {
          return;
        }
        for (PointEvent event : batch) {
          route(event);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void route(PointEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("listener failed: {}", e.toString());
    }
    if (config.mqtt() != null && config.mqtt().telemetry()) {
      uplink.publish(
          topics.telemetry(event.point()),
          Payloads.telemetry(event),
          config.mqtt().telemetryQos(),
          false);
    }
    for (RuleSlot slot : routes.computeIfAbsent(event.point(), this::subscribers)) {
      slot.offer(event);
    }
  }

  private List<RuleSlot> subscribers(PointId point) {
    return slots.stream().filter(s -> s.rule().manifest().subscribes(point)).toList();
  }

  private void publishState() {
    try {
      uplink.publish(topics.state(), Payloads.bytes(state("online")), 1, true);
    } catch (RuntimeException e) {
      log.warn("state snapshot failed: {}", e.toString());
    }
  }

  /** The state snapshot published (retained) on the state topic; also for `health`. */
  public ObjectNode state(String status) {
    ObjectNode root = Payloads.object();
    root.put("status", status);
    root.put("gateway", config.gateway().id());
    root.put("time", clock.instant().toString());
    ArrayNode adaptersNode = root.putArray("adapters");
    for (AdapterHealth h : health()) {
      ObjectNode a =
          adaptersNode.addObject().put("name", h.adapter()).put("state", h.state().name());
      ArrayNode devices = a.putArray("devices");
      for (AdapterHealth.DeviceHealth d : h.devices()) {
        ObjectNode dn =
            devices.addObject().put("device", d.device()).put("state", d.state().name());
        if (!d.lastError().isEmpty()) {
          dn.put("last_error", d.lastError());
        }
        ObjectNode counters = dn.putObject("counters");
        d.counters().forEach(counters::put);
      }
    }
    ArrayNode rules = root.putArray("rules");
    for (RuleSlot s : slots) {
      rules
          .addObject()
          .put("name", s.name())
          .put("status", s.rule().status().name())
          .put("faults", s.rule().faultCount())
          .put("batches", s.batches())
          .put("dropped", s.dropped());
    }
    failedRules.forEach(
        (name, why) ->
            rules.addObject().put("name", name).put("status", "FAILED").put("error", why));
    ObjectNode alarms = root.putObject("alarms");
    dispatcher.alarms().forEach(alarms::put);
    root.putObject("pipeline")
        .put("accepted", ingress.accepted())
        .put("dropped", ingress.dropped())
        .put("queue_depth", ingress.depth());
    root.putObject("uplink")
        .put("connected", uplink.isConnected())
        .put("published", uplink.published())
        .put("dropped", uplink.dropped());
    return root;
  }

  public List<AdapterHealth> health() {
    List<AdapterHealth> out = new ArrayList<>();
    for (ProtocolAdapter a : adapters) {
      try {
        out.add(a.health());
      } catch (RuntimeException e) {
        out.add(new AdapterHealth(a.name(), AdapterHealth.State.DOWN, List.of()));
      }
    }
    return out;
  }

  /** Loaded rules (active or quarantined). */
  public List<Rule> rules() {
    return slots.stream().map(RuleSlot::rule).toList();
  }

  /** Rules that failed to load, with the reason. */
  public Map<String, String> failedRules() {
    return Map.copyOf(failedRules);
  }

  public ActionDispatcher actions() {
    return dispatcher;
  }

  public Uplink uplink() {
    return uplink;
  }

  public Topics topics() {
    return topics;
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
    long deadline = System.nanoTime() + SHUTDOWN_GRACE_NANOS;
    ingress.close();
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
    for (ProtocolAdapter adapter : adapters) {
      try {
        adapter.close();
      } catch (RuntimeException e) {
        log.warn("adapter {} close failed: {}", adapter.name(), e.toString());
      }
    }
    if (uplink instanceof PahoUplink paho) {
      paho.closeWith(Payloads.bytes(state("offline").put("reason", "shutdown")));
    } else {
      uplink.close();
    }
    engine.close();
    for (ExecutorService e : List.of(ruleThreads, scheduler, blockingIo, watchdog, mqttThreads)) {
      e.shutdownNow();
    }
    log.info("gateway {} stopped", config.gateway().id());
  }
}
