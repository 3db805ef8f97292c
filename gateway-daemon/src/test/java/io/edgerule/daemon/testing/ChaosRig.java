package io.edgerule.daemon.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.pipeline.AdapterGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway with a well-behaved adapter ({@link PushAdapter} {@code tank}), a {@link ChaosAdapter}
 * ({@code pump}) and two rules on {@code tank/level}: {@code echo} writes each event's sequence
 * number to {@code tank/out} (the well-behaved path, checked exactly) and {@code relay} writes it
 * to {@code pump/set} (through the chaos adapter). No MQTT.
 */
public final class ChaosRig implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * Longest a shutdown may take in these tests. Bounded close is what is tested: a close the
   * gateway did not bound would wait its whole 10 s grace (Gateway.SHUTDOWN_GRACE_NANOS); well
   * below that, but far above the ~0.5 s adapter timeout, so a loaded 2-core machine passes (the
   * bound was 3 s).
   */
  public static final Duration CLOSE_BOUND = Duration.ofSeconds(7);

  public static final PointId LEVEL = PointId.parse("tank/level");
  public static final PointId OUT = PointId.parse("tank/out");

  private final Path tmp;
  public final PushAdapter.Factory push = new PushAdapter.Factory();
  public final ChaosAdapter chaos = new ChaosAdapter();

  /** Every tank/level event, in the order the dispatcher took them. */
  public final List<PointEvent> tankEvents = new CopyOnWriteArrayList<>();

  /** Every write result (rules and direct writes). */
  public final ConcurrentLinkedQueue<WriteResult> results = new ConcurrentLinkedQueue<>();

  /** Events the dispatcher took, of any adapter. */
  public final AtomicLong events = new AtomicLong();

  /** Events whose sequence number was not above the one before (must stay 0). */
  public final AtomicLong outOfOrder = new AtomicLong();

  private volatile long lastSequence;
  public boolean chaosFirst;
  public int queueCapacity = 100_000;
  public Duration adapterTimeout = Duration.ofMillis(500);
  public Gateway gw;
  public PushAdapter tank;

  public ChaosRig(Path tmp) {
    this.tmp = tmp;
  }

  /** Starts the gateway with the chaos adapter as configured so far. */
  public ChaosRig start() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("rules"));
    String echo = Wat.rule("", Wat.ECHO_SEQUENCES);
    Wat.compile(echo, dir.resolve("echo.wasm"));
    Files.writeString(
        dir.resolve("echo.yaml"),
        "name: echo\ninputs: [tank/level]\nwritable_points: [tank/out]\n"
            + "limits: {deadline: 1s, actions_per_second: 100000}\n");
    // The same rule with the point it writes renamed (same length: 8 bytes).
    Wat.compile(echo.replace("tank/out", "pump/set"), dir.resolve("relay.wasm"));
    Files.writeString(
        dir.resolve("relay.yaml"),
        "name: relay\ninputs: [tank/level]\nwritable_points: [pump/set]\n"
            + "limits: {deadline: 1s, actions_per_second: 100000}\n");
    GatewayConfig config =
        new GatewayConfig(
            new GatewaySection("chaos-gw", tmp.resolve("state")),
            List.of(new PushAdapter.Device("tank"), new ChaosAdapter.Device("pump")),
            List.of(
                new RuleConfig("echo", dir.resolve("echo.wasm"), null, true),
                new RuleConfig("relay", dir.resolve("relay.wasm"), null, true)),
            null,
            new PipelineConfig(queueCapacity, 64, 2, Duration.ofSeconds(30), adapterTimeout),
            null);
    List<AdapterFactory<?>> factories =
        chaosFirst ? List.of(chaos.factory(), push) : List.of(push, chaos.factory());
    gw = Gateway.start(config, factories, listener(), Clock.systemUTC());
    tank = push.last;
    return this;
  }

  private GatewayListener listener() {
    return new GatewayListener() {
      @Override
      public void onEvent(PointEvent event) {
        // The dispatcher is one thread: plain read-then-write is enough.
        if (event.sequence() <= lastSequence) {
          outOfOrder.incrementAndGet();
        }
        lastSequence = event.sequence();
        events.incrementAndGet();
        if (event.point().equals(LEVEL)) {
          tankEvents.add(event);
        }
      }

      @Override
      public void onWriteResult(WriteResult result) {
        results.add(result);
      }
    };
  }

  /** Pushes tank/level = first, first+1, ... (n values). */
  public void pushTank(int first, int n) {
    for (int i = first; i < first + n; i++) {
      tank.push("level", i);
    }
  }

  /** Waits until the echo rule has written n values to the tank. */
  public void awaitTankWrites(int n) throws InterruptedException {
    Poll.until(() -> tank.writes.size() >= n, WAIT, n + " writes of tank/out by the echo rule");
  }

  /** Write results for {@code point}, in arrival order. */
  public List<WriteResult> resultsFor(PointId point) {
    return results.stream().filter(r -> r.command().point().equals(point)).toList();
  }

  /**
   * The well-behaved path was exact: tank/level 0..n-1 each became one event, in order, and the
   * echo rule wrote each event's sequence number to the tank once, in order, every write OK.
   */
  public void assertTankExact(int n) {
    List<Double> values = new ArrayList<>();
    List<Long> sequences = new ArrayList<>();
    for (PointEvent e : tankEvents) {
      values.add(((PointValue.Float64) e.value()).value());
      sequences.add(e.sequence());
    }
    List<Double> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add((double) i);
    }
    assertEquals(expected, values, "every tank/level sample became exactly one event, in order");
    List<Long> written =
        tank.writes.stream()
            .peek(w -> assertEquals(OUT, w.point()))
            .map(w -> ((PointValue.Int64) w.value()).value())
            .toList();
    assertEquals(sequences, written, "the echo rule wrote every sequence number once, in order");
    List<WriteResult> out = resultsFor(OUT);
    assertEquals(n, out.size(), "one result per tank/out write");
    assertTrue(out.stream().allMatch(WriteResult::isOk), out::toString);
    assertEquals(0, outOfOrder.get(), "events left the ingress in sequence order");
  }

  public AdapterHealth health(String adapter) {
    return gw.health().stream()
        .filter(h -> h.adapter().equals(adapter))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no health for " + adapter + ": " + gw.health()));
  }

  /** The gateway's own entry in the chaos adapter's health (its last error and counters). */
  public AdapterHealth.DeviceHealth chaosGatewayEntry() {
    AdapterHealth h = health("chaos:pump");
    return h.devices().stream()
        .filter(d -> d.device().equals(AdapterGuard.GATEWAY_ENTRY))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no gateway entry in " + h));
  }

  public long chaosCounter(String name) {
    return chaosGatewayEntry().counters().getOrDefault(name, 0L);
  }

  /** Closes the gateway; returns how long it took. */
  public Duration closeGateway() {
    long t0 = System.nanoTime();
    gw.close();
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  @Override
  public void close() {
    if (gw != null) {
      gw.close();
    }
  }
}
