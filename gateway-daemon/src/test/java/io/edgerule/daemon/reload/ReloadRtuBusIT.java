package io.edgerule.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.sim.modbus.ModbusRtuSimulator;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.PtyPair;
import io.edgerule.sim.modbus.SimTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config reload of Modbus RTU slaves on one shared bus (a socat pty pair and the RTU simulator): a
 * changed slave is made again on the open bus (the port is not reopened) and its new point is
 * routed; its unchanged neighbour keeps its poller and so its report-by-exception state. A change
 * of a bus setting restarts the whole bus.
 */
class ReloadRtuBusIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static String config(String port, String baud, String meterPoll, String meterExtra) {
    return """
        gateway: {id: rtu-gw, state_dir: state}
        devices:
          - protocol: modbus-rtu
            name: boiler
            bus: {port: "%1$s", baud: %2$s, parity: none, timeout: 500ms}
            unit_id: 1
            poll_interval: 100ms
            integrity_interval: 0s
            points:
              - {name: u16, table: holding_register, address: 5, type: uint16}
          - protocol: modbus-rtu
            name: meter
            bus: {port: "%1$s", baud: %2$s, parity: none, timeout: 500ms}
            unit_id: 2
            poll_interval: %3$s
            integrity_interval: 0s
            points:
              - {name: count, table: holding_register, address: 0, type: uint16}
        %4$s
        http: {enabled: false}
        """
        .formatted(port, baud, meterPoll, meterExtra);
  }

  private static final class Events implements GatewayListener {
    final List<PointEvent> all = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(PointEvent event) {
      all.add(event);
    }

    long good(String point, long value) {
      return all.stream()
          .filter(e -> e.point().toString().equals(point))
          .filter(e -> e.quality().isGood() && PointValue.of(value).equals(e.value()))
          .count();
    }

    /**
     * Whether {@code point} reported {@code value} GOOD after event {@code mark} without a BAD
     * event of it just before: a running poller reports an unchanged value again only after a fault
     * (a timeout on a loaded machine), a new poller with its first read.
     */
    boolean reportedAnew(int mark, String point, long value) {
      boolean badBefore = false;
      List<PointEvent> now = List.copyOf(all);
      for (PointEvent e : now.subList(mark, now.size())) {
        if (!e.point().toString().equals(point)) {
          continue;
        }
        if (!e.quality().isGood()) {
          badBefore = true;
        } else if (PointValue.of(value).equals(e.value())) {
          if (!badBefore) {
            return true;
          }
        } else {
          badBefore = false;
        }
      }
      return false;
    }
  }

  private static long busCounter(Gateway gw, String counter) {
    for (AdapterHealth a : gw.health()) {
      for (AdapterHealth.DeviceHealth d : a.devices()) {
        if (d.device().startsWith("bus ")) {
          return d.counters().get(counter);
        }
      }
    }
    throw new AssertionError("no bus in " + gw.health());
  }

  @Test
  void aChangedSlaveIsMadeAgainOnItsOpenBusAndABusSettingRestartsTheBus() throws Exception {
    try (PtyPair pty = PtyPair.create(tmp.resolve("sim"), tmp.resolve("gw"));
        ModbusRtuSimulator sim =
            ModbusRtuSimulator.serial(
                pty.a().toString(),
                ModbusSimConfig.builder()
                    .manualTicks()
                    .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 10))
                    .unit(2, u -> u.map(SimTable.HOLDING_REGISTER, 0, 10))
                    .build())) {
      sim.unit(1).setHoldingRegister(5, 500);
      sim.unit(2).setHoldingRegister(0, 42);
      sim.unit(2).setHoldingRegister(1, 43);
      String port = pty.b().toString();
      String key = "modbus-rtu:" + port;
      Path file = tmp.resolve("gateway.yaml");
      Files.writeString(file, config(port, "19200", "100ms", ""));
      ConfigLoader loader = new ConfigLoader(Factories.installed());
      Events events = new Events();
      try (Gateway gw =
          Gateway.start(loader.load(file), Factories.installed(), events, Clock.systemUTC())) {
        gw.reloadFrom(ConfigSource.file(file, loader));
        Poll.until(
            () -> events.good("boiler/u16", 500) >= 1 && events.good("meter/count", 42) >= 1,
            WAIT,
            "the first report of both slaves");
        long opens = busCounter(gw, "open_attempts");

        // 1. The meter gets another poll interval and a second point; the boiler is unchanged.
        Files.writeString(
            file,
            config(port, "19200", "150ms", "")
                .replace(
                    "address: 0, type: uint16}",
                    "address: 0, type: uint16}\n"
                        + "      - {name: extra, table: holding_register, address: 1,"
                        + " type: uint16}"));
        int mark = events.all.size();
        ReloadReport slave = gw.reload().get();
        assertEquals(List.of(key + " [meter]"), slave.devices().changedInPlace(), slave.summary());
        assertEquals(List.of(), slave.devices().changed(), slave.summary());
        assertTrue(
            slave.summary().contains("devices changed in place (connection kept): " + key),
            slave.summary());
        Poll.until(
            () -> events.good("meter/extra", 43) >= 1, WAIT, "the meter's new point, routed");
        Poll.until(
            () -> events.reportedAnew(mark, "meter/count", 42),
            WAIT,
            "the meter made again reports its unchanged value anew");
        // The boiler's poller runs on: its change after the reload is the barrier (its events
        // come in order, so a re-report of the unchanged 500 would come before it).
        sim.unit(1).setHoldingRegister(5, 501);
        Poll.until(() -> events.good("boiler/u16", 501) == 1, WAIT, "the boiler's change");
        assertFalse(
            events.reportedAnew(mark, "boiler/u16", 500),
            "the unchanged boiler kept its report-by-exception state");
        assertEquals(opens, busCounter(gw, "open_attempts"), "the bus stayed open");

        // 2. The same file again: nothing.
        ReloadReport same = gw.reload().get();
        assertEquals(ReloadReport.Outcome.UNCHANGED, same.outcome(), same.summary());

        // 3. A bus setting changes: the whole bus is made again, both slaves report anew.
        Files.writeString(file, config(port, "9600", "100ms", ""));
        int mark2 = events.all.size();
        ReloadReport bus = gw.reload().get();
        assertEquals(List.of(key), bus.devices().changed(), bus.summary());
        assertEquals(List.of(), bus.devices().changedInPlace(), bus.summary());
        Poll.until(
            () ->
                events.reportedAnew(mark2, "boiler/u16", 501)
                    && events.reportedAnew(mark2, "meter/count", 42),
            WAIT,
            "both slaves of the new bus report anew");
      }
    }
  }
}
