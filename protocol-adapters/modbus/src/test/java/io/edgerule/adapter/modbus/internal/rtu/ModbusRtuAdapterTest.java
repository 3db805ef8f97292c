package io.edgerule.adapter.modbus.internal.rtu;

import static io.edgerule.adapter.modbus.internal.rtu.BusFixture.await;
import static io.edgerule.adapter.modbus.internal.rtu.BusFixture.device;
import static io.edgerule.adapter.modbus.internal.rtu.BusFixture.hr;
import static io.edgerule.adapter.modbus.internal.rtu.BusFixture.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RTU adapter (pollers, unit links, bus) over an in-memory line: real threads, no serial port,
 * no timing assertions (the interval figures live in the ITs).
 */
class ModbusRtuAdapterTest {
  private final BusFixture bus = new BusFixture();

  @AfterEach
  void close() {
    bus.close();
  }

  private AdapterHealth.DeviceHealth health(String device) {
    return bus.adapter.health().devices().stream()
        .filter(d -> d.device().equals(device))
        .findFirst()
        .orElseThrow();
  }

  private long counter(String device, String name) {
    Long v = health(device).counters().get(name);
    if (v == null) {
      throw new AssertionError(device + " has no counter " + name + ": " + health(device));
    }
    return v;
  }

  @Test
  void severalUnitsShareTheBus() throws Exception {
    bus.line.units.put(1, FakeLine.registers(100, 10));
    bus.line.units.put(2, FakeLine.registers(200, 10));
    bus.start(device("boiler", 1, hr("a", 0), hr("b", 3)), device("meter", 2, hr("a", 0)));
    assertEquals(PointValue.of(100L), bus.await(of("boiler", "a"), "boiler/a").value());
    assertEquals(PointValue.of(103L), bus.await(of("boiler", "b"), "boiler/b").value());
    assertEquals(PointValue.of(200L), bus.await(of("meter", "a"), "meter/a").value());
    assertEquals(3, bus.adapter.points().size());
    assertEquals("modbus-rtu:/dev/fake", bus.adapter.name());
    await(() -> bus.adapter.health().state() == AdapterHealth.State.UP, "UP");
    assertEquals(
        java.util.List.of("boiler", "meter", "bus /dev/fake"),
        bus.adapter.health().devices().stream().map(AdapterHealth.DeviceHealth::device).toList());
    assertTrue(counter("bus /dev/fake", "requests") >= 2);
    assertEquals(0, counter("bus /dev/fake", "crc_errors"));
  }

  @Test
  void writesLandAndAreReadBack() throws Exception {
    bus.line.units.put(1, FakeLine.registers(100, 10));
    bus.start(device("boiler", 1, hr("a", 0)));
    bus.await(of("boiler", "a"), "first value");
    WriteResult r =
        bus.adapter
            .write(new WriteCommand(new PointId("boiler", "a"), PointValue.of(7L), "test"))
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertEquals(WriteResult.Status.OK, r.status(), r.detail());
    bus.await(of("boiler", "a").and(s -> PointValue.of(7L).equals(s.value())), "7 read back");
    WriteResult unknown =
        bus.adapter
            .write(new WriteCommand(new PointId("nobody", "a"), PointValue.of(7L), "test"))
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertEquals(WriteResult.Status.REJECTED, unknown.status());
  }

  @Test
  void exceptionResponsesKeepTheirCode() throws Exception {
    bus.line.units.put(1, FakeLine.registers(100, 10));
    bus.start(device("boiler", 1, hr("a", 0), hr("missing", 50)));
    var missing = bus.await(of("boiler", "missing"), "missing");
    assertEquals(Quality.bad("exception 02 ILLEGAL_DATA_ADDRESS"), missing.quality());
    assertTrue(counter("boiler", "exceptions") >= 1);
    assertTrue(counter("bus /dev/fake", "exceptions") >= 1);
  }

  @Test
  void aCorruptAnswerIsCountedAndRetried() throws Exception {
    UnaryOperator<byte[]> good = FakeLine.registers(100, 10);
    AtomicInteger corrupt = new AtomicInteger(1);
    bus.line.units.put(
        1,
        request -> {
          byte[] answer = good.apply(request);
          if (corrupt.getAndDecrement() > 0) {
            answer[answer.length - 1] ^= 0x55;
          }
          return answer;
        });
    bus.start(device("boiler", 1, hr("a", 0)));
    var a = bus.await(of("boiler", "a"), "a value");
    assertEquals(Quality.GOOD, a.quality(), "the retry got a good answer");
    assertEquals(1, counter("boiler", "crc_errors"));
    assertEquals(1, counter("boiler", "retries"));
    assertEquals(1, counter("bus /dev/fake", "crc_errors"));
  }

  @Test
  void twoCorruptAnswersMakeTheReadBad() throws Exception {
    UnaryOperator<byte[]> good = FakeLine.registers(100, 10);
    AtomicInteger corrupt = new AtomicInteger(2);
    bus.line.units.put(
        1,
        request -> {
          byte[] answer = good.apply(request);
          if (corrupt.getAndDecrement() > 0) {
            answer[answer.length - 1] ^= 0x55;
          }
          return answer;
        });
    bus.start(device("boiler", 1, hr("a", 0)));
    var bad = bus.await(of("boiler", "a"), "a first sample");
    assertEquals(Quality.bad("CRC error in the response of unit 1"), bad.quality());
    assertEquals(null, bad.value());
    assertEquals(2, counter("boiler", "crc_errors"), "both answers were corrupt");
    assertEquals(1, counter("boiler", "retries"), "one retry (retries: 1), not more");
    assertEquals(2, counter("bus /dev/fake", "crc_errors"));
    var requests = bus.line.written(1);
    assertTrue(requests.size() >= 2, "the read and its retry: " + requests.size());
    assertTrue(
        java.util.Arrays.equals(requests.get(0).frame(), requests.get(1).frame()),
        "the retry repeats the read");
    var good2 = bus.await(of("boiler", "a").and(s -> s.quality().isGood()), "GOOD again");
    assertEquals(PointValue.of(100L), good2.value());
    var history = bus.samples().stream().filter(of("boiler", "a")).toList();
    assertTrue(
        history.indexOf(bad) == 0 && history.indexOf(good2) == 1,
        "BAD first, then GOOD: " + history);
  }

  @Test
  void garbageBeforeAnAnswerDoesNotLoseIt() throws Exception {
    UnaryOperator<byte[]> good = FakeLine.registers(100, 10);
    bus.line.units.put(
        1,
        request -> {
          byte[] answer = good.apply(request);
          byte[] noisy = new byte[answer.length + 3];
          noisy[0] = (byte) 0xFF;
          noisy[1] = 0x00;
          noisy[2] = 0x55;
          System.arraycopy(answer, 0, noisy, 3, answer.length);
          return noisy;
        });
    bus.start(device("boiler", 1, hr("a", 0)));
    assertEquals(Quality.GOOD, bus.await(of("boiler", "a"), "a").quality());
    await(() -> counter("boiler", "garbage_bytes") >= 3, "garbage counted");
    assertEquals(0, counter("boiler", "retries"));
  }

  @Test
  void aLateAnswerIsDroppedNotTakenForTheRetry() throws Exception {
    UnaryOperator<byte[]> good = FakeLine.registers(100, 10);
    AtomicInteger first = new AtomicInteger(1);
    byte[] stale = FakeLine.frame(1, 3, 2, 0x03, 0xE7); // 999: must never be reported
    bus.line.units.put(
        1,
        request -> {
          if (first.getAndDecrement() > 0) { // answered just after the 50 ms timeout
            bus.line.answerLate(stale);
            return null;
          }
          return good.apply(request);
        });
    bus.start(device("boiler", 1, hr("a", 0)));
    var a = bus.await(of("boiler", "a"), "a");
    assertEquals(PointValue.of(100L), a.value());
    assertEquals(1, counter("boiler", "late_responses"), "the late answer counted");
    assertEquals(1, counter("bus /dev/fake", "late_responses"));
    assertEquals(1, counter("boiler", "timeouts"));
    assertEquals(1, counter("boiler", "retries"));
    assertFalse(
        bus.samples().stream().anyMatch(s -> PointValue.of(999L).equals(s.value())),
        "the late answer was reported: " + bus.samples());
  }

  @Test
  void aDeadUnitStopsBeingPolledAndComesBack() throws Exception {
    bus.line.units.put(1, FakeLine.registers(100, 10));
    bus.start(device("boiler", 1, hr("a", 0)), device("meter", 2, hr("a", 0)));
    // the read that timed out goes BAD first, then every point of the unit says why
    Quality notAnswering = Quality.bad("unit 2 not answering (timeout after 50 ms)");
    bus.await(of("meter", "a").and(s -> s.quality().equals(notAnswering)), "meter BAD");
    assertEquals(
        Quality.bad("timeout after 50 ms"),
        bus.samples().stream().filter(of("meter", "a")).findFirst().orElseThrow().quality());
    await(() -> health("meter").state() == AdapterHealth.State.DOWN, "meter DOWN");
    assertEquals(1, counter("meter", "stopped_answering"));
    assertEquals(AdapterHealth.State.DEGRADED, bus.adapter.health().state());
    long polls = counter("boiler", "polls");
    await(() -> counter("boiler", "polls") >= polls + 5, "boiler polled meanwhile");

    bus.line.units.put(2, FakeLine.registers(200, 10)); // the unit is back
    var back = bus.await(of("meter", "a").and(s -> s.quality().isGood()), "meter GOOD");
    assertEquals(PointValue.of(200L), back.value());
    assertTrue(counter("meter", "reconnects") >= 1);
    await(() -> bus.adapter.health().state() == AdapterHealth.State.UP, "UP again");
  }

  @Test
  void aPortThatIsNotThereYetIsWaitedFor() throws Exception {
    bus.line.present = false;
    bus.line.units.put(1, FakeLine.registers(100, 10));
    bus.start(device("boiler", 1, hr("a", 0)));
    var bad = bus.await(of("boiler", "a"), "BAD");
    assertEquals(Quality.bad("port /dev/fake not present"), bad.quality());
    assertEquals(AdapterHealth.State.DOWN, health("bus /dev/fake").state());
    assertEquals("port /dev/fake not present", health("bus /dev/fake").lastError());
    bus.line.present = true;
    var good = bus.await(of("boiler", "a").and(s -> s.quality().isGood()), "GOOD");
    assertEquals(PointValue.of(100L), good.value());
    assertEquals(0, counter("bus /dev/fake", "reconnects"), "the first open is no reconnect");
  }

  @Test
  void aLostPortComesBackWithoutARestart() throws Exception {
    bus.line.units.put(1, FakeLine.registers(100, 10));
    bus.line.units.put(2, FakeLine.registers(200, 10));
    bus.start(device("boiler", 1, hr("a", 0)), device("meter", 2, hr("a", 0)));
    bus.await(of("boiler", "a"), "GOOD");
    bus.await(of("meter", "a"), "GOOD");
    bus.line.present = false;
    bus.line.lost = true;
    var bad = bus.await(of("boiler", "a").and(s -> !s.quality().isGood()), "BAD after unplugging");
    assertEquals(Quality.bad("port /dev/fake lost (device node removed)"), bad.quality());
    // every unit says why, also one whose poller found the port closed before it was told
    var meterBad = bus.await(of("meter", "a").and(s -> !s.quality().isGood()), "meter BAD");
    assertEquals(Quality.bad("port /dev/fake lost (device node removed)"), meterBad.quality());
    bus.line.present = true;
    bus.await(
        of("boiler", "a")
            .and(s -> s.quality().isGood() && s.sourceTime().isAfter(bad.sourceTime())),
        "GOOD after plugging in");
    assertEquals(1, counter("bus /dev/fake", "port_lost"));
    assertEquals(1, counter("bus /dev/fake", "reconnects"));
  }

  @Test
  void writesGoBeforeQueuedReadsAndOneRequestIsOnTheWire() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    UnaryOperator<byte[]> slave = FakeLine.registers(0, 10);
    bus.line.units.put(
        1,
        request -> {
          try {
            release.await(5, TimeUnit.SECONDS); // a long exchange holds the bus
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return slave.apply(request);
        });
    bus.line.units.put(2, slave);
    bus.line.units.put(3, slave);
    RtuBus rtu =
        new RtuBus(
            bus.line,
            new RtuBus.Settings(
                BusFixture.TIMEOUT, 0, 100_000, false, BusFixture.bus().reconnect()),
            bus.context.threadFactory());
    try {
      UnitLink one = rtu.unit(1, 2, new ReadHoldingRegistersRequest(0, 1));
      UnitLink two = rtu.unit(2, 2, new ReadHoldingRegistersRequest(0, 1));
      UnitLink three = rtu.unit(3, 2, new ReadHoldingRegistersRequest(0, 1));
      one.connect().toCompletableFuture().get(5, TimeUnit.SECONDS);
      var a = one.send(1, new ReadHoldingRegistersRequest(0, 1));
      await(() -> bus.line.written.size() == 1, "the first request on the wire");
      var b = two.send(2, new ReadHoldingRegistersRequest(1, 1));
      var c = three.send(3, new WriteSingleRegisterRequest(2, 42));
      assertEquals(1, bus.line.written.size(), "one request on the wire at a time");
      release.countDown();
      a.toCompletableFuture().get(5, TimeUnit.SECONDS);
      b.toCompletableFuture().get(5, TimeUnit.SECONDS);
      c.toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(
          java.util.List.of(1, 3, 2),
          bus.line.written.stream().map(FakeLine.Written::unit).toList(),
          "the write went before the read that was queued first");
    } finally {
      rtu.close();
    }
  }

  @Test
  void closeStopsItsThreads() throws Exception {
    bus.line.units.put(1, FakeLine.registers(100, 10));
    bus.start(device("boiler", 1, hr("a", 0)));
    bus.await(of("boiler", "a"), "GOOD");
    assertEquals(2, bus.threads.size(), "a bus thread and a poller thread");
    bus.adapter.close();
    await(() -> bus.threads.stream().noneMatch(Thread::isAlive), "threads stopped");
    assertEquals(AdapterHealth.State.STOPPED, bus.adapter.health().state());
    Map<String, Long> counters = bus.adapter.health().devices().get(0).counters();
    assertTrue(
        counters.containsKey("crc_errors") && counters.containsKey("timeouts"), "" + counters);
  }
}
