package io.edgerule.adapter.modbus.it;

import static io.edgerule.adapter.modbus.Endianness.BIG;
import static io.edgerule.adapter.modbus.Endianness.LITTLE;
import static io.edgerule.adapter.modbus.ModbusDataType.BIT;
import static io.edgerule.adapter.modbus.ModbusDataType.BOOL;
import static io.edgerule.adapter.modbus.ModbusDataType.FLOAT32;
import static io.edgerule.adapter.modbus.ModbusDataType.INT16;
import static io.edgerule.adapter.modbus.ModbusDataType.UINT16;
import static io.edgerule.adapter.modbus.ModbusTable.COIL;
import static io.edgerule.adapter.modbus.ModbusTable.DISCRETE_INPUT;
import static io.edgerule.adapter.modbus.ModbusTable.HOLDING_REGISTER;
import static io.edgerule.adapter.modbus.ModbusTable.INPUT_REGISTER;
import static io.edgerule.adapter.modbus.it.RtuDevices.counter;
import static io.edgerule.adapter.modbus.it.RtuDevices.health;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusRtuBusConfig;
import io.edgerule.sim.modbus.ModbusRtuSimulator;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.PtyPair;
import io.edgerule.sim.modbus.SimEncoding;
import io.edgerule.sim.modbus.SimTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RTU adapter against the RTU simulator on a socat pty pair (and over TCP): reads and writes on
 * two units, every injected fault (BAD with its reason, a counter, recovery without a restart), a
 * port that vanishes and comes back, and a port that is not there at boot.
 */
class ModbusRtuAdapterIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * Generous on purpose: on a loaded 2-core machine (two busy loops beside a build) a pty round
   * trip through socat took 200-400 ms now and then, and a spurious timeout in the middle of a
   * fault step turns it into another fault (a corrupt answer that arrives late is garbage in the
   * drain, not a CRC error; two in a row make a live unit "not answering").
   */
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  /** A late answer: after the timeout, in the middle of the drain that follows it. */
  private static final Duration LATE = Duration.ofMillis(750);

  @TempDir Path dir;
  private PtyPair pty;
  private ModbusRtuSimulator sim;
  private final TestGateway gateway = new TestGateway(Path.of("target"));
  private final Samples samples = new Samples();

  @AfterEach
  void tearDown() {
    gateway.close();
    if (sim != null) {
      sim.close();
    }
    if (pty != null) {
      pty.close();
    }
  }

  private static ModbusSimConfig plant() {
    return ModbusSimConfig.builder()
        .manualTicks()
        .unit(
            1,
            u ->
                u.map(SimTable.HOLDING_REGISTER, 0, 20)
                    .map(SimTable.COIL, 0, 8)
                    .map(SimTable.DISCRETE_INPUT, 0, 8)
                    .map(SimTable.INPUT_REGISTER, 0, 4))
        .unit(2, u -> u.map(SimTable.HOLDING_REGISTER, 0, 10))
        .build();
  }

  private void startSim() throws Exception {
    pty = PtyPair.create(dir.resolve("sim"), dir.resolve("gw"));
    sim = ModbusRtuSimulator.serial(pty.a().toString(), plant());
    var boiler = sim.unit(1);
    boiler.setFloat32(SimTable.HOLDING_REGISTER, 0, 123.456f);
    boiler.setRegisters(SimTable.HOLDING_REGISTER, 2, 0xE979, 0x42F6); // little words
    boiler.setValue(SimTable.HOLDING_REGISTER, 4, SimEncoding.INT16, -2);
    boiler.setHoldingRegister(5, 65535);
    boiler.setDiscreteInput(2, true);
    boiler.setInputRegister(0, 1234);
    sim.unit(2).setHoldingRegister(0, 42);
  }

  private ModbusRtuBusConfig bus() {
    return RtuDevices.bus(pty.b().toString(), TIMEOUT);
  }

  private static ModbusPointConfig writable(
      String name,
      io.edgerule.adapter.modbus.ModbusTable table,
      int address,
      io.edgerule.adapter.modbus.ModbusDataType type,
      Integer bit) {
    return new ModbusPointConfig(
        name, table, address, type, bit, null, null, null, null, null, true);
  }

  private ProtocolAdapter startAdapter(ModbusRtuBusConfig bus) {
    return gateway.startRtu(
        samples,
        RtuDevices.slave("boiler", bus, 1)
            .point("f_big", HOLDING_REGISTER, 0, FLOAT32, BIG, BIG)
            .point("f_little", HOLDING_REGISTER, 2, FLOAT32, LITTLE, BIG)
            .point("i16", HOLDING_REGISTER, 4, INT16)
            .point("u16", HOLDING_REGISTER, 5, UINT16)
            .point(writable("setpoint", HOLDING_REGISTER, 10, FLOAT32, null))
            .point(writable("flag", HOLDING_REGISTER, 12, BIT, 3))
            .point(writable("pump", COIL, 0, BOOL, null))
            .point("di2", DISCRETE_INPUT, 2, BOOL)
            .point("ir0", INPUT_REGISTER, 0, UINT16)
            .build(),
        RtuDevices.slave("meter", bus, 2).point("count", HOLDING_REGISTER, 0, UINT16).build());
  }

  private static Predicate<PointSample> of(String device, String pointName) {
    return s -> s.point().device().equals(device) && s.point().point().equals(pointName);
  }

  private static Predicate<PointSample> good(String device, String pointName) {
    return of(device, pointName).and(s -> s.quality().isGood());
  }

  /** A GOOD sample of the point of {@code bad}, taken after it. */
  private static Predicate<PointSample> goodAfter(PointSample bad) {
    return s ->
        s.point().equals(bad.point())
            && s.quality().isGood()
            && s.sourceTime().isAfter(bad.sourceTime());
  }

  private static Predicate<PointSample> bad(String device, String reason) {
    return s -> s.point().device().equals(device) && s.quality().equals(Quality.bad(reason));
  }

  private WriteResult write(ProtocolAdapter adapter, String device, String p, PointValue v) {
    return adapter
        .write(new WriteCommand(new PointId(device, p), v, "test"))
        .toCompletableFuture()
        .join();
  }

  @Test
  void readsAndWritesTwoUnitsOnOnePty() throws Exception {
    startSim();
    ProtocolAdapter adapter = startAdapter(bus());
    // the first GOOD sample of each point: a read that timed out on a loaded machine reports BAD
    // first, and that is not what this test is about (the fault test is)
    assertEquals(PointValue.of(123.456), samples.await(good("boiler", "f_big"), WAIT, "").value());
    assertEquals(
        PointValue.of(123.456), samples.await(good("boiler", "f_little"), WAIT, "").value());
    assertEquals(PointValue.of(-2L), samples.await(good("boiler", "i16"), WAIT, "").value());
    assertEquals(PointValue.of(65535L), samples.await(good("boiler", "u16"), WAIT, "").value());
    assertEquals(PointValue.of(true), samples.await(good("boiler", "di2"), WAIT, "").value());
    assertEquals(PointValue.of(1234L), samples.await(good("boiler", "ir0"), WAIT, "").value());
    assertEquals(PointValue.of(42L), samples.await(good("meter", "count"), WAIT, "").value());

    assertEquals(
        WriteResult.Status.OK, write(adapter, "boiler", "pump", PointValue.of(true)).status());
    assertEquals(
        WriteResult.Status.OK, write(adapter, "boiler", "setpoint", PointValue.of(21.5)).status());
    assertEquals(
        WriteResult.Status.OK, write(adapter, "boiler", "flag", PointValue.of(true)).status());
    assertTrue(sim.unit(1).coil(0));
    assertEquals(21.5f, sim.unit(1).float32(SimTable.HOLDING_REGISTER, 10));
    assertEquals(1 << 3, sim.unit(1).holdingRegister(12));
    samples.await(
        good("boiler", "setpoint").and(s -> PointValue.of(21.5).equals(s.value())),
        WAIT,
        "setpoint read back");
    // a poll-with-deadline: one read that took longer than the timeout on a loaded machine makes
    // its unit DEGRADED until its next answer
    TestGateway.await(() -> adapter.health().state() == AdapterHealth.State.UP, WAIT, "UP");
    assertEquals(3, adapter.health().devices().size(), "two units and the bus");
    assertEquals(0, counter(adapter, "bus " + pty.b(), "crc_errors"));
  }

  @Test
  void everyFaultGoesBadWithItsReasonIsCountedAndRecovers() throws Exception {
    startSim();
    ProtocolAdapter adapter = startAdapter(bus());
    samples.await(good("meter", "count"), WAIT, "meter up");
    samples.await(good("boiler", "ir0"), WAIT, "boiler up");
    String busName = "bus " + pty.b();

    // exception response: the real code, and back when the device stops refusing
    sim.faults().exception(1, SimTable.INPUT_REGISTER, 0, 4);
    PointSample refused =
        samples.await(bad("boiler", "exception 04 SLAVE_DEVICE_FAILURE"), WAIT, "exception 04");
    sim.faults().clear(1);
    samples.await(goodAfter(refused), WAIT, "GOOD again after the exception");
    assertTrue(counter(adapter, "boiler", "exceptions") >= 1);

    // CRC errors: two in a row beat the one retry
    sim.faults().corruptCrc(1, 2);
    PointSample crc =
        samples.await(bad("boiler", "CRC error in the response of unit 1"), WAIT, "CRC error");
    assertEquals(2, counter(adapter, "boiler", "crc_errors"));
    assertEquals(2, counter(adapter, busName, "crc_errors"));
    samples.await(goodAfter(crc), WAIT, "GOOD after the CRC errors");

    // garbage before answers: nothing lost, bytes counted
    long garbage = counter(adapter, "boiler", "garbage_bytes");
    samples.clear();
    sim.faults().garbageBefore(1, 3);
    TestGateway.await(
        () -> counter(adapter, "boiler", "garbage_bytes") >= garbage + 15, WAIT, "garbage counted");
    assertTrue(
        samples.all().stream().allMatch(s -> s.quality().isGood()),
        "garbage before an answer must not lose it: " + samples.all());

    // late answers: BAD, counted, never taken for the next request. The answer comes 750 ms after
    // the request, in the middle of the drain (500 ms timeout, then 500 ms of listening), where it
    // adds "the unit answered late" to the reason; RtuTransactionTest pins the drain exactly.
    long lateBefore = counter(adapter, busName, "late_responses");
    sim.faults().delay(1, LATE, 2);
    PointSample late =
        samples.await(
            s ->
                s.point().device().equals("boiler")
                    && s.quality().reason().startsWith("timeout after 500 ms"),
            WAIT,
            "late answers");
    TestGateway.await(
        () -> counter(adapter, busName, "late_responses") >= lateBefore + 2, WAIT, "2 late");
    assertEquals(0, counter(adapter, "boiler", "stopped_answering"), "slow is not dead");
    samples.await(goodAfter(late), WAIT, "GOOD after the late answers");

    // a dead unit: its points go BAD, the other unit keeps going, and it comes back
    sim.faults().silence(2);
    PointSample dead =
        samples.await(
            bad("meter", "unit 2 not answering (timeout after 500 ms)"), WAIT, "meter dead");
    assertEquals(1, counter(adapter, "meter", "stopped_answering"));
    assertEquals(AdapterHealth.State.DOWN, health(adapter, "meter").state());
    TestGateway.await(
        () -> adapter.health().state() == AdapterHealth.State.DEGRADED, WAIT, "DEGRADED");
    long boilerPolls = counter(adapter, "boiler", "polls");
    TestGateway.await(
        () -> counter(adapter, "boiler", "polls") >= boilerPolls + 5,
        WAIT,
        "boiler polled meanwhile");
    sim.faults().answer(2);
    samples.await(goodAfter(dead), WAIT, "meter back");
    assertTrue(counter(adapter, "meter", "reconnects") >= 1);

    // noise between requests: counted on the bus, no point hurt
    long busGarbage = counter(adapter, busName, "garbage_bytes");
    samples.clear();
    sim.noise(new byte[] {0x55, 0x00, 0x55, (byte) 0xAA});
    TestGateway.await(
        () -> counter(adapter, busName, "garbage_bytes") >= busGarbage + 4, WAIT, "noise counted");
    assertTrue(samples.all().stream().allMatch(s -> s.quality().isGood()), "" + samples.all());
    TestGateway.await(
        () -> adapter.health().state() == AdapterHealth.State.UP, WAIT, "UP at the end");
  }

  @Test
  void aVanishedPortComesBackWithoutARestart() throws Exception {
    startSim();
    ProtocolAdapter adapter = startAdapter(bus());
    samples.await(good("meter", "count"), WAIT, "up");
    String busName = "bus " + pty.b();

    pty.unplug(); // the USB adapter is pulled: socat and both links go away
    PointSample lost =
        samples.await(
            of("meter", "count")
                .and(s -> s.quality().reason().startsWith("port " + pty.b() + " lost")),
            WAIT,
            "BAD port lost");
    samples.await(bad("meter", "port " + pty.b() + " not present"), WAIT, "BAD not present");
    assertEquals(AdapterHealth.State.DOWN, adapter.health().state());

    samples.clear();
    pty.plugIn(); // plugged in again: new ptys behind the same paths
    samples.await(good("meter", "count"), WAIT, "GOOD again");
    samples.await(good("boiler", "ir0"), WAIT, "GOOD again");
    assertEquals(1, counter(adapter, busName, "port_lost"));
    assertEquals(1, counter(adapter, busName, "reconnects"));
    assertTrue(lost.quality().reason().contains("lost"), lost.quality().reason());
    TestGateway.await(() -> adapter.health().state() == AdapterHealth.State.UP, WAIT, "UP");
  }

  @Test
  void aGatewayThatBootsBeforeItsUsbAdapterWaitsForIt() throws Exception {
    Path gw = dir.resolve("gw");
    ModbusRtuBusConfig bus = RtuDevices.bus(gw.toString(), TIMEOUT);
    ProtocolAdapter adapter =
        gateway.startRtu(
            samples,
            RtuDevices.slave("meter", bus, 2).point("count", HOLDING_REGISTER, 0, UINT16).build());
    samples.await(bad("meter", "port " + gw + " not present"), WAIT, "BAD not present");
    assertEquals("port " + gw + " not present", health(adapter, "bus " + gw).lastError());

    startSim(); // the adapter appears
    samples.await(good("meter", "count"), WAIT, "GOOD once the port exists");
    assertEquals(0, counter(adapter, "bus " + gw, "reconnects"), "the first open is no reconnect");
  }

  @Test
  void rtuOverTcpToASerialDeviceServer() throws Exception {
    sim = ModbusRtuSimulator.tcp(plant());
    sim.unit(2).setHoldingRegister(0, 7);
    int port = sim.port();
    ModbusRtuBusConfig bus = RtuDevices.bus("tcp://127.0.0.1:" + port, TIMEOUT);
    ProtocolAdapter adapter =
        gateway.startRtu(
            samples,
            RtuDevices.slave("meter", bus, 2)
                .point(writable("count", HOLDING_REGISTER, 0, UINT16, null))
                .build());
    assertEquals(PointValue.of(7L), samples.await(good("meter", "count"), WAIT, "GOOD").value());
    assertEquals(
        WriteResult.Status.OK, write(adapter, "meter", "count", PointValue.of(9L)).status());
    assertEquals(9, sim.unit(2).holdingRegister(0));
    assertEquals("modbus-rtu:tcp://127.0.0.1:" + port, adapter.name());

    sim.stopLine(); // the device server reboots
    PointSample away =
        samples.await(
            of("meter", "count").and(s -> !s.quality().isGood()), WAIT, "BAD while it is away");
    sim.startLine();
    samples.await(goodAfter(away), WAIT, "GOOD when it is back");
  }
}
