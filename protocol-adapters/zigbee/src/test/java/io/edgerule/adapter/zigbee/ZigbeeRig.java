package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One adapter under test with its recorder, and the waits the Zigbee ITs share. */
final class ZigbeeRig implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

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

  /** A sample {@code point = value} among those received from index {@code from} on. */
  PointSample awaitAfter(int from, String point, PointValue value) throws InterruptedException {
    PointId id = PointId.parse(point);
    return sink.await(
        from, s -> s.point().equals(id) && value.equals(s.value()), WAIT, point + " = " + value);
  }

  PointSample awaitBad(String point, String reasonPart) throws InterruptedException {
    return sink.await(Recorder.bad(point, reasonPart), WAIT, point + " BAD '" + reasonPart + "'");
  }

  long counter(String name) {
    AdapterHealth health = adapter.health();
    return health.devices().get(0).counters().getOrDefault(name, 0L);
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
}
