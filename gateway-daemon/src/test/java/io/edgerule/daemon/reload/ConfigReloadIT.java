package io.edgerule.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.sandbox.Rule;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config reload against two Modbus TCP simulators and a real Mosquitto: only what changed restarts.
 * The simulators count the TCP connections they accept, so "kept its connection" and "reconnected"
 * are seen at the device, not inferred from the gateway's own view.
 */
class ConfigReloadIT {
  private static final Path EXAMPLES = Path.of("..", "examples", "rules");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static ModbusTcpSimulator simulator(float level) {
    return ModbusTcpSimulator.start(
        ModbusSimConfig.builder()
            .port(0)
            .manualTicks()
            .unit(
                1,
                u -> {
                  u.map(SimTable.HOLDING_REGISTER, 0, 4);
                  u.setFloat32(SimTable.HOLDING_REGISTER, 0, 20f);
                  u.setFloat32(SimTable.HOLDING_REGISTER, 2, level);
                })
            .build());
  }

  /**
   * The config: tank and boiler on their simulators, the example over-temperature rule. Reports by
   * exception only (no integrity reports), so an adapter made anew shows itself by reporting its
   * unchanged values again, and a kept one by staying silent.
   */
  private static String config(
      int tankPort,
      String tankPoll,
      int boilerPort,
      String boilerPoll,
      String broker,
      String extra) {
    return """
        gateway:
          id: reload-gw
          state_dir: state
        devices:
          - protocol: modbus-tcp
            name: tank
            host: 127.0.0.1
            port: %d
            poll_interval: %s
            timeout: 5s
            integrity_interval: 0s
            points:
              - {name: temperature, table: holding_register, address: 0, type: float32}
              - {name: level, table: holding_register, address: 2, type: float32}
          - protocol: modbus-tcp
            name: boiler
            host: 127.0.0.1
            port: %d
            poll_interval: %s
            timeout: 5s
            integrity_interval: 0s
            points:
              - {name: level, table: holding_register, address: 2, type: float32}
        rules:
          - {name: overtemp, wasm: rules/overtemp.wasm}
        mqtt:
          broker: %s
        http:
          enabled: false
        %s"""
        .formatted(tankPort, tankPoll, boilerPort, boilerPoll, broker, extra);
  }

  /** Writes the file as editors and deployment tools do: a new file renamed over the old. */
  private static void replace(Path file, String text) throws Exception {
    Path next = file.resolveSibling(file.getFileName() + ".new");
    Files.writeString(next, text);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Every event of {@code point}, as the dispatcher saw them. */
  private static final class Events implements GatewayListener {
    final List<PointEvent> all = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(PointEvent event) {
      all.add(event);
    }

    long count(String point) {
      return all.stream().filter(e -> e.point().toString().equals(point)).count();
    }

    long count(String point, double value) {
      return all.stream()
          .filter(e -> e.point().toString().equals(point))
          .filter(e -> PointValue.of(value).equals(e.value()))
          .count();
    }
  }

  private static String answer(MqttProbe probe, String id) throws Exception {
    return probe
        .await(
            m ->
                m.topic().equals("edgerule/reload-gw/cmd-result")
                    && m.payload().contains("\"id\":\"" + id + "\""),
            WAIT)
        .payload();
  }

  /**
   * Waits until the gateway takes commands: its subscription is made after it connects, and a
   * command sent before that is not delivered to it. A status command is side-effect free.
   */
  private static void awaitCommandsTaken(MqttProbe probe) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    for (int i = 0; ; i++) {
      String id = "ready-" + i;
      probe.publish("edgerule/reload-gw/cmd/status", "{\"id\":\"" + id + "\"}");
      try {
        probe.await(
            m ->
                m.topic().equals("edgerule/reload-gw/cmd-result")
                    && m.payload().contains("\"id\":\"" + id + "\""),
            Duration.ofSeconds(2));
        return;
      } catch (AssertionError notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
      }
    }
  }

  @Test
  void onlyWhatChangedRestartsAnIdenticalConfigIsANoOpAndAnInvalidOneIsRefused() throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    for (String f : List.of("overtemp.wasm", "overtemp.yaml")) {
      Files.copy(EXAMPLES.resolve(f), rules.resolve(f));
    }
    Path file = tmp.resolve("gateway.yaml");
    Events events = new Events();
    try (Mosquitto broker = Mosquitto.start(tmp);
        ModbusTcpSimulator tankSim = simulator(40f);
        ModbusTcpSimulator boilerSim = simulator(60f);
        MqttProbe probe = new MqttProbe(broker.uri(), "edgerule/reload-gw/cmd-result")) {
      int tankPort = tankSim.port();
      int boilerPort = boilerSim.port();
      Files.writeString(file, config(tankPort, "100ms", boilerPort, "100ms", broker.uri(), ""));
      ConfigLoader loader = new ConfigLoader(Factories.installed());
      try (Gateway gw =
          Gateway.start(loader.load(file), Factories.installed(), events, Clock.systemUTC())) {
        gw.reloadFrom(ConfigSource.file(file, loader));
        Poll.until(
            () -> events.count("tank/level", 40) == 1 && events.count("boiler/level", 60) == 1,
            WAIT,
            "the first report of both devices");
        assertEquals(1, tankSim.connectionsAccepted(), "tank connected once");
        assertEquals(1, boilerSim.connectionsAccepted(), "boiler connected once");
        Rule overtemp = gw.rules().get(0);
        awaitCommandsTaken(probe);

        // 1. The boiler's poll interval changes, the tank stays: cmd/reload over MQTT.
        Files.writeString(file, config(tankPort, "100ms", boilerPort, "150ms", broker.uri(), ""));
        probe.publish("edgerule/reload-gw/cmd/reload", "{\"id\":\"r-1\"}");
        String first = answer(probe, "r-1");
        assertTrue(first.contains("\"command\":\"reload\""), first);
        assertTrue(first.contains("\"status\":\"OK\""), first);
        assertTrue(
            first.contains("devices changed (reconnected): modbus-tcp:boiler"), "answer: " + first);
        // The boiler's new adapter connects again and reports its unchanged value again.
        Poll.until(
            () -> boilerSim.connectionsAccepted() == 2 && events.count("boiler/level", 60) == 2,
            WAIT,
            "the changed boiler reconnected and reported anew");
        // The tank kept its adapter: its connection, and its report-by-exception state (a new
        // adapter would report the unchanged 40.0 again). A change after the reload is the
        // barrier: the tank's events arrive in order, so a re-report would come before it.
        int polls = tankSim.requests().size();
        Poll.until(() -> tankSim.requests().size() >= polls + 5, WAIT, "the tank polled on");
        tankSim.setFloat32(2, 41f);
        Poll.until(() -> events.count("tank/level", 41) == 1, WAIT, "the tank's change");
        assertEquals(1, events.count("tank/level", 40), "the unchanged tank was not reported anew");
        assertEquals(1, tankSim.connectionsAccepted(), "the unchanged tank kept its connection");
        assertSame(overtemp, gw.rules().get(0), "the unchanged rule kept running untouched");

        // 2. The same file again: nothing changes.
        probe.publish("edgerule/reload-gw/cmd/reload", "{\"id\":\"r-2\"}");
        String same = answer(probe, "r-2");
        assertTrue(same.contains("\"status\":\"OK\""), same);
        assertTrue(same.contains("no changes to devices or rules"), same);
        assertEquals(1, tankSim.connectionsAccepted(), "no reconnect");
        assertEquals(2, boilerSim.connectionsAccepted(), "no reconnect");
        assertSame(overtemp, gw.rules().get(0), "no rule rebuilt");

        // 3. An invalid config is refused with its position; the running one goes on.
        Files.writeString(file, config(tankPort, "soon", boilerPort, "150ms", broker.uri(), ""));
        probe.publish("edgerule/reload-gw/cmd/reload", "{\"id\":\"r-3\"}");
        String refused = answer(probe, "r-3");
        assertTrue(refused.contains("\"status\":\"INVALID\""), refused);
        assertTrue(refused.contains("gateway.yaml:9:"), "file:line:col in " + refused);
        assertTrue(refused.contains("poll_interval"), refused);
        tankSim.setFloat32(2, 42f);
        Poll.until(() -> events.count("tank/level", 42) == 1, WAIT, "the old config runs on");
        assertEquals(1, tankSim.connectionsAccepted());
        assertEquals(2, boilerSim.connectionsAccepted());

        // 4. Settings read only at start are reported, not silently ignored.
        Files.writeString(
            file,
            config(
                tankPort,
                "100ms",
                boilerPort,
                "150ms",
                broker.uri(),
                "pipeline:\n  health_interval: 7s\n"));
        ReloadReport restart = gw.reload().get();
        assertEquals(ReloadReport.Outcome.UNCHANGED, restart.outcome(), restart.summary());
        assertEquals(List.of("pipeline.health_interval"), restart.needsRestart());
        assertTrue(restart.summary().contains("needs restart"), restart.summary());
        assertEquals(1, tankSim.connectionsAccepted());

        // 5. A change of the file alone reloads: the tank's address changes (a new simulator).
        try (ModbusTcpSimulator tank2 = simulator(43f);
            ConfigFileWatcher watcher =
                ConfigFileWatcher.start(file, () -> gw.reload().join(), daemonThreads())) {
          replace(
              file,
              config(
                  tank2.port(),
                  "100ms",
                  boilerPort,
                  "150ms",
                  broker.uri(),
                  "pipeline:\n  health_interval: 7s\n"));
          Poll.until(
              () -> tank2.connectionsAccepted() == 1 && events.count("tank/level", 43) == 1,
              WAIT,
              "the tank moved to its new address after the file changed");
          assertEquals(2, boilerSim.connectionsAccepted(), "the boiler kept its connection");
        }
      }
    }
  }

  private static ThreadFactory daemonThreads() {
    return r -> {
      Thread t = new Thread(r, "test-config-watch");
      t.setDaemon(true);
      return t;
    };
  }
}
