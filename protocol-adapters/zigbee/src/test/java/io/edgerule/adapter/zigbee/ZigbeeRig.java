package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One adapter under test with its recorder, and the waits the Zigbee ITs share. */
final class ZigbeeRig implements AutoCloseable {
  /**
   * How long one awaited event may take: far above what any step needs on an idle machine (a few
   * seconds at most, see the docs), so that a loaded 2-core CI machine does not fail a test.
   */
  static final Duration WAIT = Duration.ofSeconds(60);

  final ZigbeeCoordinatorAdapter adapter;
  final Recorder sink = new Recorder();

  ZigbeeRig(ZigbeeCoordinatorConfig config, TestContext ctx) throws Exception {
    adapter = new ZigbeeCoordinatorAdapter(config, ctx.context);
    adapter.start(sink).toCompletableFuture().get(60, TimeUnit.SECONDS);
    awaitValue(config.name() + "/online", PointValue.of(true));
  }

  static ZigbeeCoordinatorConfig config(
      String port, Map<String, String> devices, Duration maxInterval, Duration offlineAfter) {
    return new ZigbeeCoordinatorConfig(
        "zigbee",
        port,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        devices,
        Duration.ofSeconds(1),
        maxInterval,
        offlineAfter,
        Duration.ofSeconds(3));
  }

  WriteResult write(String point, PointValue value) throws Exception {
    return adapter
        .write(new WriteCommand(PointId.parse(point), value, "test"))
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
  }

  void writeOk(String point, PointValue value) throws Exception {
    WriteResult r = write(point, value);
    assertTrue(r.isOk(), "write " + point + " = " + value + ": " + r);
  }

  PointSample awaitValue(String point, PointValue value) throws InterruptedException {
    PointId id = PointId.parse(point);
    return sink.await(
        s -> s.point().equals(id) && value.equals(s.value()), WAIT, point + " = " + value);
  }

  /** Index of the first sample {@code point = value} received at index {@code from} or later. */
  int awaitAfter(int from, String point, PointValue value) throws InterruptedException {
    PointId id = PointId.parse(point);
    return sink.awaitIndex(
        from, s -> s.point().equals(id) && value.equals(s.value()), WAIT, point + " = " + value);
  }

  PointSample awaitBad(String point, String reasonPart) throws InterruptedException {
    return sink.await(Recorder.bad(point, reasonPart), WAIT, point + " BAD '" + reasonPart + "'");
  }

  /** Index of the first BAD sample of {@code point} with the reason, from index {@code from} on. */
  int awaitBadAfter(int from, String point, String reasonPart) throws InterruptedException {
    return sink.awaitIndex(
        from, Recorder.bad(point, reasonPart), WAIT, point + " BAD '" + reasonPart + "'");
  }

  /** Index of the first GOOD sample of {@code point} from index {@code from} on. */
  int awaitGoodAfter(int from, String point) throws InterruptedException {
    return sink.awaitIndex(from, Recorder.good(point), WAIT, point + " GOOD");
  }

  /** A coordinator health counter. */
  long counter(String name) {
    AdapterHealth health = adapter.health();
    return health.devices().get(0).counters().getOrDefault(name, 0L);
  }

  /** The health of one device by its name. */
  AdapterHealth.DeviceHealth deviceHealth(String device) {
    return adapter.health().devices().stream()
        .filter(d -> d.device().equals(device))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no health for " + device));
  }

  /** Polls {@code condition} until it holds or the deadline passes. */
  static void await(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling interval, not synchronisation
    }
  }

  @Override
  public void close() {
    adapter.close();
  }

  /** Threads the zsmartsystems library makes for itself (it takes no thread factory). */
  static List<String> libraryThreads() {
    List<String> prefixes =
        List.of(
            "NetworkManager-",
            "TransactionManager-",
            "NotificationService-",
            "DatabaseManager-",
            "XBeeDongle-",
            "XBeeFrameExecutor-",
            "XBeeTimer-",
            "XBeeFrameHandler");
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> prefixes.stream().anyMatch(n::startsWith))
        .toList();
  }
}
