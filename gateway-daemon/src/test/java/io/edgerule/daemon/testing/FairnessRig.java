package io.edgerule.daemon.testing;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.sandbox.RuleOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A gateway for hostile-rule tests: a {@link PushAdapter} {@code tank} the test drives, any rules
 * built from WAT, a {@link RecordingUplink} (or another uplink), and per-rule records of every
 * outcome. Threads of the gateway that die are collected in {@link #deadThreads}.
 */
public final class FairnessRig implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(60);

  /** What one rule did, as the listener saw it. */
  public static final class RuleRecord {
    public final AtomicLong committed = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    public final AtomicLong events = new AtomicLong();
    public final List<Duration> elapsed = new CopyOnWriteArrayList<>();
    public final List<String> failures = new CopyOnWriteArrayList<>();
  }

  private final Path tmp;
  private final Path dir;
  private final List<RuleConfig> rules = new ArrayList<>();
  public final PushAdapter.Factory push = new PushAdapter.Factory();
  public final List<AdapterFactory<?>> factories = new ArrayList<>(List.of(push));
  public final List<DeviceConfig> devices =
      new ArrayList<>(List.of(new PushAdapter.Device("tank")));
  public final Map<String, RuleRecord> records = new ConcurrentHashMap<>();
  public final ConcurrentLinkedQueue<WriteResult> results = new ConcurrentLinkedQueue<>();

  /** tank/level events in the order the dispatcher took them. */
  public final List<PointEvent> tankEvents = new CopyOnWriteArrayList<>();

  /** When the dispatcher took each event (System.nanoTime), by sequence number. */
  public final Map<Long, Long> eventNanos = new ConcurrentHashMap<>();

  /** When each write result of tank/out came (System.nanoTime), by the value written. */
  public final Map<Long, Long> outNanos = new ConcurrentHashMap<>();

  public final List<Throwable> deadThreads = new CopyOnWriteArrayList<>();

  /** Rules whose load may fail (refused hostile modules); any other failed load fails start(). */
  public final java.util.Set<String> mayFail = new java.util.HashSet<>();

  public Uplink uplink = new RecordingUplink();
  public PipelineConfig pipeline = PipelineConfig.DEFAULTS;
  public io.edgerule.sandbox.RuleLimits ceilings;

  /** Runs on the rule thread after each outcome of any rule (to sample sizes while it runs). */
  public volatile Consumer<String> afterOutcome = rule -> {};

  public Gateway gw;
  public PushAdapter tank;
  private Thread.UncaughtExceptionHandler previous;

  public FairnessRig(Path tmp) throws java.io.IOException {
    this.tmp = tmp;
    this.dir = Files.createDirectories(tmp.resolve("rules"));
  }

  /** Adds a rule built from {@code wat}; {@code manifest} is the manifest after its name line. */
  public FairnessRig rule(String name, String wat, String manifest) throws java.io.IOException {
    Wat.compile(wat, dir.resolve(name + ".wasm"));
    Files.writeString(dir.resolve(name + ".yaml"), "name: " + name + "\n" + manifest);
    rules.add(new RuleConfig(name, dir.resolve(name + ".wasm"), null, true));
    records.put(name, new RuleRecord());
    return this;
  }

  public FairnessRig start() throws Exception {
    previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> deadThreads.add(e));
    GatewayConfig config =
        new GatewayConfig(
            new GatewaySection("fair-gw", tmp.resolve("state")),
            devices,
            rules,
            null,
            pipeline,
            ceilings);
    gw = Gateway.start(config, factories, listener(), Clock.systemUTC(), uplink);
    tank = push.last;
    if (!mayFail.containsAll(gw.failedRules().keySet())) {
      throw new AssertionError("rules failed to load: " + gw.failedRules());
    }
    return this;
  }

  private GatewayListener listener() {
    return new GatewayListener() {
      @Override
      public void onEvent(PointEvent event) {
        eventNanos.put(event.sequence(), System.nanoTime());
        if (event.point().equals(ChaosRig.LEVEL)) {
          tankEvents.add(event);
        }
      }

      @Override
      public void onRuleOutcome(
          String rule, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
        RuleRecord r = records.get(rule);
        if (outcome instanceof RuleOutcome.Committed) {
          r.committed.incrementAndGet();
        } else if (outcome instanceof RuleOutcome.Failed f) {
          r.failed.incrementAndGet();
          r.failures.add(f.kind() + ": " + f.message());
        }
        r.elapsed.add(elapsed);
        r.events.addAndGet(batch.size());
        afterOutcome.accept(rule);
      }

      @Override
      public void onWriteResult(WriteResult result) {
        if (result.command().point().equals(ChaosRig.OUT)
            && result.command().value() instanceof PointValue.Int64 v) {
          outNanos.put(v.value(), System.nanoTime());
        }
        results.add(result);
      }
    };
  }

  /** The echo rule wrote every tank/level event's sequence number to tank/out once, in order. */
  public void assertEchoExact() {
    List<Long> sequences = tankEvents.stream().map(PointEvent::sequence).toList();
    List<Long> written =
        tank.writes.stream()
            .filter(w -> w.point().equals(ChaosRig.OUT))
            .map(w -> ((PointValue.Int64) w.value()).value())
            .toList();
    org.junit.jupiter.api.Assertions.assertEquals(
        sequences, written, "the echo rule wrote every sequence number once, in order");
  }

  /** Latencies (ms) from the dispatcher taking an event to the echo rule's write result, sorted. */
  public List<Double> echoLatenciesMillis() {
    List<Double> out = new ArrayList<>();
    outNanos.forEach((seq, t) -> out.add((t - eventNanos.get(seq)) / 1e6));
    out.sort(null);
    return out;
  }

  public RuleRecord record(String rule) {
    return records.get(rule);
  }

  public RecordingUplink recording() {
    return (RecordingUplink) uplink;
  }

  @Override
  public void close() {
    try {
      if (gw != null) {
        gw.close();
      }
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }
}
