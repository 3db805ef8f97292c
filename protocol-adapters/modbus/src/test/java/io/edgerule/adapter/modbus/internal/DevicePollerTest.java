package io.edgerule.adapter.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.metrics.DeviceMeters;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.LocalMetrics;
import io.edgerule.adapter.metrics.Metrics;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The poll scheduler against an in-memory device and a manual clock: no sockets, no sleeps. */
class DevicePollerTest {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration INTEGRITY = Duration.ofSeconds(1);

  private final ManualTimer timer = new ManualTimer();
  private final FakeLink device = new FakeLink();
  private final List<PointSample> samples = new ArrayList<>();
  private DevicePoller poller;

  private static ModbusPointConfig hr(
      String name, int address, ModbusDataType type, double deadband, boolean writable) {
    return new ModbusPointConfig(
        name,
        ModbusTable.HOLDING_REGISTER,
        address,
        type,
        null,
        null,
        null,
        null,
        null,
        deadband,
        writable);
  }

  private static ModbusPointConfig coil(String name, int address) {
    return new ModbusPointConfig(
        name, ModbusTable.COIL, address, null, null, null, null, null, null, null, true);
  }

  private static ModbusPointConfig bit(String name, int address, int bit) {
    return new ModbusPointConfig(
        name,
        ModbusTable.HOLDING_REGISTER,
        address,
        ModbusDataType.BIT,
        bit,
        null,
        null,
        null,
        null,
        null,
        true);
  }

  private DevicePoller start(int retries, List<ModbusPointConfig> points) {
    return start(retries, INTEGRITY, points);
  }

  private DevicePoller start(int retries, Duration integrity, List<ModbusPointConfig> points) {
    var settings =
        new PollerSettings(
            "dev",
            1,
            POLL,
            Duration.ofMillis(1000),
            retries,
            new Backoff(Duration.ofMillis(500), Duration.ofSeconds(4), 2),
            integrity,
            new PlanLimits(8, 128, 125, 2000));
    poller =
        new DevicePoller(
            settings, points, device, timer, Runnable::run, timer, metrics, "modbus-tcp");
    poller.start(samples::add);
    return poller;
  }

  @AfterEach
  void close() {
    if (poller != null) {
      poller.close();
    }
  }

  private List<PointSample> take() {
    List<PointSample> out = new ArrayList<>(samples);
    samples.clear();
    return out;
  }

  private static PointSample of(List<PointSample> samples, String point) {
    return samples.stream()
        .filter(s -> s.point().point().equals(point))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no sample of " + point + " in " + samples));
  }

  private final LocalMetrics metrics = Metrics.local();

  private long count(DeviceCounter name) {
    return poller.counters().get(name);
  }

  @Test
  void pollsCoalescedAndReportsEveryPointOnce() {
    for (int a = 0; a <= 5; a++) {
      device.holding.put(a, 0);
    }
    device.holding.put(0, 0x42F6);
    device.holding.put(1, 0xE979);
    device.holding.put(5, 7);
    device.coils.put(0, true);
    start(
        1,
        List.of(
            hr("temp", 0, ModbusDataType.FLOAT32, 0, false),
            hr("n", 5, ModbusDataType.UINT16, 0, false),
            coil("pump", 0)));

    List<PointSample> first = take();
    assertEquals(3, first.size());
    assertEquals(PointValue.of(123.456), of(first, "temp").value());
    assertEquals(PointValue.of(7L), of(first, "n").value());
    assertEquals(PointValue.of(true), of(first, "pump").value());
    assertEquals(new PointId("dev", "temp"), of(first, "temp").point());
    // one read for the coil, one for holding registers 0..5 (gap of 3 bridged)
    assertEquals(2, device.requests.size());
    assertEquals(new ReadHoldingRegistersRequest(0, 6), device.requests.get(1));

    timer.advance(POLL);
    assertEquals(4, device.requests.size(), "one cycle per poll interval");
    assertTrue(take().isEmpty(), "nothing changed, nothing reported");
    assertEquals(AdapterHealth.State.UP, poller.health().state());
  }

  @Test
  void reportsOnlyChangesBeyondTheDeadbandPlusIntegrity() {
    device.holding.put(0, 100);
    device.holding.put(1, 5);
    start(
        1,
        List.of(
            hr("level", 0, ModbusDataType.UINT16, 10, false),
            hr("n", 1, ModbusDataType.UINT16, 0, false)));
    take();

    device.holding.put(0, 105); // within deadband 10
    timer.advance(POLL);
    assertTrue(take().isEmpty());
    device.holding.put(0, 111); // 11 away from the last reported 100
    device.holding.put(1, 6);
    timer.advance(POLL);
    List<PointSample> changed = take();
    assertEquals(2, changed.size());
    assertEquals(PointValue.of(111L), of(changed, "level").value());

    // integrity: 1 s after the first cycle every point is reported although unchanged
    timer.advance(Duration.ofMillis(700));
    assertTrue(take().isEmpty());
    timer.advance(POLL.multipliedBy(2));
    List<PointSample> integrity = take();
    assertEquals(2, integrity.size(), "integrity report of every point: " + integrity);
    timer.advance(POLL);
    assertTrue(take().isEmpty(), "and then quiet again");
  }

  @Test
  void anIntegrityIntervalEqualToThePollIntervalReportsEveryPollWhateverTheTimerJitter() {
    device.holding.put(0, 100);
    device.holding.put(1, 5);
    start(
        1,
        POLL,
        List.of(
            hr("level", 0, ModbusDataType.UINT16, 10, false),
            hr("n", 1, ModbusDataType.UINT16, 0, false)));
    assertEquals(2, take().size());
    // ticks run late by varying amounts, as a loaded scheduler's do; a tick that runs later than
    // the previous one used to make the next cycle start less than one interval after it, and the
    // integrity report of that cycle was skipped (78 % of the polls reported)
    long ms = 1_000_000;
    timer.lateBy(3 * ms, 0, 7 * ms, 1 * ms, 20 * ms, 0, 49 * ms, 0);
    timer.advance(Duration.ofMillis(50)); // each advance below then ends after a late tick
    for (int poll = 1; poll <= 40; poll++) {
      timer.advance(POLL);
      assertEquals(2, take().size(), "every point reported at poll " + poll);
    }
    assertEquals(41, count(DeviceCounter.POLLS));
  }

  @Test
  void exceptionResponseMarksOnlyThatReadBadWithTheCode() {
    device.holding.put(0, 1);
    // register 40 is not mapped: exception 02
    start(
        1,
        List.of(
            hr("ok", 0, ModbusDataType.UINT16, 0, false),
            hr("missing", 40, ModbusDataType.UINT16, 0, false)));
    List<PointSample> first = take();
    assertEquals(Quality.GOOD, of(first, "ok").quality());
    PointSample missing = of(first, "missing");
    assertEquals(Quality.bad("exception 02 ILLEGAL_DATA_ADDRESS"), missing.quality());
    assertNull(missing.value());
    assertEquals(1, count(DeviceCounter.EXCEPTIONS));
    // the same totals as metrics, and the protocol-independent device meters
    Labels dev = Labels.of("device", "dev");
    assertEquals(1.0, metrics.value("edgerule_modbus_exceptions_total", dev));
    assertEquals(2.0, metrics.value("edgerule_modbus_requests_total", dev));
    Labels common = Labels.of("protocol", "modbus-tcp", "device", "dev");
    assertEquals(1.0, metrics.value(DeviceMeters.POLLS, common));
    assertEquals(1.0, metrics.value(DeviceMeters.ERRORS, common));
    assertEquals(1.0, metrics.value(DeviceMeters.LATENCY, common), "one answered request timed");
    assertEquals(AdapterHealth.State.DEGRADED, poller.health().state());
    assertTrue(poller.health().lastError().contains("exception 02 ILLEGAL_DATA_ADDRESS"));
    timer.advance(POLL);
    assertTrue(take().isEmpty(), "the same BAD quality is not repeated");
  }

  @Test
  void aCoalescedReadRefusedWithException02IsSplitIntoOneReadPerPoint() {
    device.holding.put(0, 1);
    device.holding.put(4, 2); // 1..3 unmapped: the coalesced read 0..4 is refused
    start(
        1,
        List.of(
            hr("a", 0, ModbusDataType.UINT16, 0, false),
            hr("b", 4, ModbusDataType.UINT16, 0, false)));
    List<PointSample> first = take();
    assertEquals(PointValue.of(1L), of(first, "a").value());
    assertEquals(PointValue.of(2L), of(first, "b").value());
    assertTrue(first.stream().allMatch(s -> s.quality().isGood()), "no BAD on the way: " + first);
    assertEquals(
        List.of(
            new ReadHoldingRegistersRequest(0, 5),
            new ReadHoldingRegistersRequest(0, 1),
            new ReadHoldingRegistersRequest(4, 1)),
        device.requests);
    assertEquals(1, count(DeviceCounter.SPLIT_READS));
    assertEquals(2, poller.plan().size());
    timer.advance(POLL);
    assertEquals(5, device.requests.size(), "split stays: two reads per cycle");
  }

  @Test
  void timeoutsAreRetriedThenBad() {
    device.holding.put(0, 1);
    device.timeOut = true;
    start(2, List.of(hr("a", 0, ModbusDataType.UINT16, 0, false)));
    assertEquals(3, device.requests.size(), "first try + 2 retries");
    assertEquals(Quality.bad("timeout after 1000 ms"), of(take(), "a").quality());
    assertEquals(3, count(DeviceCounter.TIMEOUTS));
    assertEquals(2, count(DeviceCounter.RETRIES));
    assertEquals(AdapterHealth.State.DOWN, poller.health().state());

    device.timeOut = false;
    timer.advance(POLL);
    PointSample back = of(take(), "a");
    assertEquals(Quality.GOOD, back.quality());
    assertEquals(PointValue.of(1L), back.value());
    assertEquals(AdapterHealth.State.UP, poller.health().state());
  }

  @Test
  void refusedConnectionIsBadAndRetriedWithBackoffUntilItAnswers() {
    device.holding.put(0, 1);
    device.refuseConnect = true;
    start(1, List.of(hr("a", 0, ModbusDataType.UINT16, 0, false)));
    PointSample bad = of(take(), "a");
    assertEquals(Quality.bad("connection refused by fake:502"), bad.quality());
    assertEquals(AdapterHealth.State.DOWN, poller.health().state());

    // backoff 500ms, 1s, 2s, 4s, 4s (less up to 20% jitter)
    timer.advance(Duration.ofSeconds(12));
    assertEquals(6, device.connects);
    List<Long> delays = timer.scheduledDelays();
    long[] nominal = {500, 1000, 2000, 4000, 4000};
    for (int i = 0; i < nominal.length; i++) {
      long ms = delays.get(i) / 1_000_000;
      assertTrue(ms <= nominal[i] && ms >= nominal[i] * 8 / 10, "delay " + i + " = " + ms + " ms");
    }
    // the same BAD is not reported at every attempt, only by the 1 s integrity report
    List<PointSample> whileDown = take();
    assertTrue(whileDown.size() < 5, whileDown.toString());
    assertTrue(whileDown.stream().allMatch(s -> s.quality().equals(bad.quality())));

    device.refuseConnect = false;
    timer.advance(Duration.ofSeconds(4));
    assertEquals(Quality.GOOD, of(take(), "a").quality());
    assertEquals(AdapterHealth.State.UP, poller.health().state());
    assertEquals(
        0, count(DeviceCounter.RECONNECTS), "the first successful connect is not a reconnect");
  }

  @Test
  void lostConnectionMakesEveryPointBadThenReconnects() {
    device.holding.put(0, 1);
    device.coils.put(3, false);
    start(1, List.of(hr("a", 0, ModbusDataType.UINT16, 0, false), coil("c", 3)));
    take();
    device.hold = true;
    timer.advance(POLL); // a read is in flight
    device.dropConnection();
    List<PointSample> down = take();
    assertEquals(2, down.size());
    assertTrue(
        down.stream().allMatch(s -> s.quality().equals(Quality.bad("connection lost"))),
        down.toString());
    assertEquals(1, device.disconnects);
    assertEquals(1, count(DeviceCounter.DISCONNECTS));

    device.hold = false;
    timer.advance(Duration.ofMillis(500));
    List<PointSample> up = take();
    assertEquals(2, up.size());
    assertTrue(up.stream().allMatch(s -> s.quality().isGood()));
    assertEquals(1, count(DeviceCounter.RECONNECTS));
  }

  @Test
  void writesEncodeByTypeAndGoBeforeWaitingReads() {
    for (int a = 0; a <= 10; a++) {
      device.holding.put(a, 0);
    }
    device.holding.put(10, 0x0100);
    device.coils.put(0, false);
    start(
        1,
        List.of(
            hr("sp", 0, ModbusDataType.INT16, 0, true),
            hr("f", 1, ModbusDataType.FLOAT32, 0, true),
            bit("flag", 10, 3),
            coil("pump", 0)));
    take();
    device.requests.clear();

    assertEquals(WriteResult.Status.OK, write("pump", PointValue.of(true)).join().status());
    assertEquals(new WriteSingleCoilRequest(0, 0xFF00), device.requests.get(0));
    assertEquals(WriteResult.Status.OK, write("sp", PointValue.of(-2L)).join().status());
    assertEquals(new WriteSingleRegisterRequest(0, 0xFFFE), device.requests.get(2));
    assertEquals(WriteResult.Status.OK, write("f", PointValue.of(123.456)).join().status());
    assertEquals(
        new WriteMultipleRegistersRequest(1, 2, new byte[] {0x42, (byte) 0xF6, (byte) 0xE9, 0x79}),
        device.requests.get(4));
    // bit 3 of register 10 (0x0100): read, set, write 0x0108
    assertEquals(WriteResult.Status.OK, write("flag", PointValue.of(true)).join().status());
    assertEquals(new ReadHoldingRegistersRequest(10, 1), device.requests.get(6));
    assertEquals(new WriteSingleRegisterRequest(10, 0x0108), device.requests.get(7));
    assertEquals(4, count(DeviceCounter.WRITES));

    // a write issued while a cycle waits behind a slow read goes next
    device.requests.clear();
    device.hold = true;
    timer.advance(POLL); // cycle: coil read in flight, holding read waiting
    assertEquals(1, device.requests.size());
    CompletableFuture<WriteResult> w = write("pump", PointValue.of(false)).toCompletableFuture();
    device.hold = false;
    device.releaseHeld();
    assertEquals(new WriteSingleCoilRequest(0, 0), device.requests.get(1));
    assertEquals(WriteResult.Status.OK, w.join().status());
    assertInstanceOf(
        ReadCoilsRequest.class, device.requests.get(2), "read-back of the written block");
  }

  @Test
  void badWritesAreAnsweredWithTheReason() {
    device.holding.put(0, 0);
    start(
        1,
        List.of(
            hr("sp", 0, ModbusDataType.INT16, 0, true),
            hr("ro", 0, ModbusDataType.UINT16, 0, false),
            hr("gone", 9, ModbusDataType.INT16, 0, true)));
    WriteResult readOnly = write("ro", PointValue.of(1L)).join();
    assertEquals(WriteResult.Status.REJECTED, readOnly.status());
    assertTrue(readOnly.detail().contains("read-only"), readOnly.detail());
    WriteResult range = write("sp", PointValue.of(1_000_000L)).join();
    assertEquals(WriteResult.Status.REJECTED, range.status());
    assertTrue(range.detail().contains("out of range for int16"), range.detail());
    assertEquals(WriteResult.Status.REJECTED, write("nope", PointValue.of(1L)).join().status());
    WriteResult refused = write("gone", PointValue.of(1L)).join();
    assertEquals(WriteResult.Status.FAILED, refused.status());
    assertEquals("exception 02 ILLEGAL_DATA_ADDRESS", refused.detail());
    assertEquals(1, count(DeviceCounter.WRITE_FAILURES));

    device.refuseConnect = true;
    device.hold = true;
    timer.advance(POLL);
    device.dropConnection();
    WriteResult offline = write("sp", PointValue.of(1L)).join();
    assertEquals(WriteResult.Status.TIMEOUT, offline.status());
    assertTrue(offline.detail().contains("not connected"), offline.detail());
  }

  @Test
  void aWriteBeforeTheFirstConnectionSaysSoOnce() {
    device.connecting = new CompletableFuture<>();
    start(1, List.of(hr("sp", 0, ModbusDataType.INT16, 0, true)));
    WriteResult early = write("sp", PointValue.of(1L)).join();
    assertEquals(WriteResult.Status.TIMEOUT, early.status());
    assertEquals("device not connected yet (connecting to fake:502)", early.detail());
  }

  @Test
  void aWriteInFlightWhenTheConnectionDropsIsAnsweredEitherWay() {
    device.coils.put(0, false);
    start(1, List.of(coil("pump", 0)));
    for (boolean listenerFirst : new boolean[] {false, true}) {
      device.hold = true;
      CompletableFuture<WriteResult> w = write("pump", PointValue.of(true));
      assertTrue(!w.isDone() && device.held.size() == 1, "write in flight");
      device.dropConnection(listenerFirst);
      assertTrue(w.isDone(), "answered when the connection dropped");
      WriteResult r = w.join();
      assertEquals(WriteResult.Status.TIMEOUT, r.status(), "listener first: " + listenerFirst);
      assertEquals("connection lost", r.detail());
      device.hold = false;
      timer.advance(Duration.ofSeconds(1)); // reconnected
      assertEquals(AdapterHealth.State.UP, poller.health().state());
    }
  }

  @Test
  void aCycleLongerThanTheIntervalIsCountedAndTheNextStartsRightAfter() {
    device.holding.put(0, 1);
    start(1, List.of(hr("a", 0, ModbusDataType.UINT16, 0, false)));
    device.hold = true;
    timer.advance(POLL); // cycle 2 starts, its read hangs
    timer.advance(POLL.multipliedBy(3)); // three ticks find it running
    assertEquals(3, count(DeviceCounter.OVERRUNS));
    assertEquals(2, count(DeviceCounter.POLLS));
    device.hold = false;
    device.releaseHeld();
    assertEquals(
        3, count(DeviceCounter.POLLS), "the waiting poll runs as soon as the slow one ends");
  }

  private CompletableFuture<WriteResult> write(String point, PointValue value) {
    return poller
        .write(new WriteCommand(new PointId("dev", point), value, "test"))
        .toCompletableFuture();
  }
}
