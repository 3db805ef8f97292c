package io.edgerule.adapter.modbus.it;

import static io.edgerule.adapter.modbus.ModbusDataType.UINT16;
import static io.edgerule.adapter.modbus.ModbusTable.HOLDING_REGISTER;
import static io.edgerule.adapter.modbus.it.RtuDevices.counter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.modbus.ModbusRtuAdapterFactory;
import io.edgerule.adapter.modbus.ModbusRtuBusConfig;
import io.edgerule.adapter.modbus.ModbusRtuDeviceConfig;
import io.edgerule.sim.modbus.ModbusRtuSimulator;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.PtyPair;
import io.edgerule.sim.modbus.SimTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config reload on a shared RS-485 bus (a socat pty pair and the RTU simulator): a changed slave
 * is made again on the open bus and reports anew; its neighbour keeps its poller, so its unchanged
 * value is not reported again (report by exception); the port is not opened again. A slave added on
 * the unit id a removed one left works. A changed bus setting is refused in place (the daemon then
 * restarts the whole bus) and changes nothing.
 */
class RtuReconfigureIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** Generous: a pty round trip can take 200-400 ms on a loaded 2-core machine. */
  private static final Duration TIMEOUT = Duration.ofMillis(500);

  @TempDir Path dir;
  private PtyPair pty;
  private ModbusRtuSimulator sim;
  private final TestGateway gateway = new TestGateway(Path.of("target"));
  private final Samples samples = new Samples();
  private final ModbusRtuAdapterFactory factory = new ModbusRtuAdapterFactory();

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

  private ModbusRtuDeviceConfig boiler(ModbusRtuBusConfig bus) {
    return RtuDevices.slave("boiler", bus, 1).point("u16", HOLDING_REGISTER, 5, UINT16).build();
  }

  private ModbusRtuDeviceConfig meter(ModbusRtuBusConfig bus, Duration poll) {
    return RtuDevices.slave("meter", bus, 2)
        .poll(poll)
        .point("count", HOLDING_REGISTER, 0, UINT16)
        .build();
  }

  /**
   * Whether {@code device/point} reported {@code value} GOOD in {@code after} without a BAD sample
   * of it just before: a running poller reports an unchanged value again only after a fault (a
   * timeout on a loaded machine); a new poller reports it with its first read.
   */
  private static boolean reportedAnew(
      List<PointSample> after, String device, String point, long value) {
    boolean badBefore = false;
    for (PointSample s : after) {
      if (!s.point().device().equals(device) || !s.point().point().equals(point)) {
        continue;
      }
      if (!s.quality().isGood()) {
        badBefore = true;
      } else if (PointValue.of(value).equals(s.value())) {
        if (!badBefore) {
          return true;
        }
      } else {
        badBefore = false;
      }
    }
    return false;
  }

  private List<PointSample> since(int mark) {
    List<PointSample> all = samples.all();
    return all.subList(mark, all.size());
  }

  private PointSample awaitGood(String device, String point, long value, String what)
      throws InterruptedException {
    return samples.await(
        s ->
            s.point().device().equals(device)
                && s.point().point().equals(point)
                && s.quality().isGood()
                && PointValue.of(value).equals(s.value()),
        WAIT,
        what);
  }

  @Test
  void aChangedSlaveIsMadeAgainOnTheOpenBusAndItsNeighbourKeepsItsState() throws Exception {
    pty = PtyPair.create(dir.resolve("sim"), dir.resolve("gw"));
    sim =
        ModbusRtuSimulator.serial(
            pty.a().toString(),
            ModbusSimConfig.builder()
                .manualTicks()
                .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 10))
                .unit(2, u -> u.map(SimTable.HOLDING_REGISTER, 0, 10))
                .build());
    sim.unit(1).setHoldingRegister(5, 500);
    sim.unit(2).setHoldingRegister(0, 42);
    sim.unit(2).setHoldingRegister(1, 43);
    ModbusRtuBusConfig bus = RtuDevices.bus(pty.b().toString(), TIMEOUT);
    ModbusRtuDeviceConfig boiler = boiler(bus);
    ProtocolAdapter adapter = gateway.startRtu(samples, boiler, meter(bus, Duration.ofMillis(100)));
    awaitGood("boiler", "u16", 500, "the boiler's first report");
    awaitGood("meter", "count", 42, "the meter's first report");
    String busEntry = "bus " + pty.b();
    long opens = counter(adapter, busEntry, "open_attempts");

    // 1. The meter's poll interval changes; the boiler's entry does not.
    int mark = samples.all().size();
    Optional<List<String>> changed =
        factory.reconfigure(adapter, List.of(boiler, meter(bus, Duration.ofMillis(150))));
    assertEquals(Optional.of(List.of("meter")), changed, "only the meter made again");
    samples.awaitAll(
        s -> reportedAnew(s.subList(mark, s.size()), "meter", "count", 42),
        WAIT,
        "the new meter poller's first report of its unchanged value");
    // The boiler's poller runs on: a change after the reload is the barrier (its samples come in
    // order, so a re-report of the unchanged 500 would come before it).
    sim.unit(1).setHoldingRegister(5, 501);
    awaitGood("boiler", "u16", 501, "the boiler's change");
    assertTrue(
        !reportedAnew(since(mark), "boiler", "u16", 500),
        "the unchanged boiler was reported anew: " + since(mark));
    assertEquals(opens, counter(adapter, busEntry, "open_attempts"), "the port was not reopened");
    assertEquals(0, counter(adapter, busEntry, "reconnects"));

    // 2. The meter goes; a gauge takes its unit id.
    ModbusRtuDeviceConfig gauge =
        RtuDevices.slave("gauge", bus, 2).point("g", HOLDING_REGISTER, 1, UINT16).build();
    assertEquals(
        Optional.of(List.of("meter", "gauge")),
        factory.reconfigure(adapter, List.of(boiler, gauge)));
    awaitGood("gauge", "g", 43, "the gauge on the unit id the meter left");
    assertEquals(
        List.of("boiler", "gauge", busEntry),
        adapter.health().devices().stream().map(d -> d.device()).toList());
    assertEquals(
        List.of("boiler/u16", "gauge/g"),
        adapter.points().stream().map(p -> p.id().toString()).toList());

    // 3. A bus setting changes: not in place. Nothing changed: the boiler still reports.
    ModbusRtuBusConfig slower =
        new ModbusRtuBusConfig(
            bus.port(),
            9600,
            bus.dataBits(),
            bus.parity(),
            bus.stopBits(),
            bus.timeout(),
            null,
            bus.reconnect(),
            bus.rs485Mode(),
            bus.echo());
    ModbusRtuDeviceConfig slowGauge =
        RtuDevices.slave("gauge", slower, 2).point("g", HOLDING_REGISTER, 1, UINT16).build();
    assertEquals(
        Optional.empty(),
        factory.reconfigure(adapter, List.of(boiler(slower), slowGauge)),
        "a bus setting: the whole bus is made again");
    sim.unit(1).setHoldingRegister(5, 502);
    awaitGood("boiler", "u16", 502, "the boiler still polled on the same bus");
    assertEquals(opens, counter(adapter, busEntry, "open_attempts"), "the port was not reopened");
  }
}
