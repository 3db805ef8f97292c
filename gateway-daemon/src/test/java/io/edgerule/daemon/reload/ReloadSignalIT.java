package io.edgerule.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged program reloads its config on SIGHUP (as {@code systemctl reload} sends it): the
 * changed device reconnects at the simulator, the program keeps running and still stops cleanly.
 */
class ReloadSignalIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static String config(int port, String poll, String broker) {
    return """
        gateway: {id: hup-gw, state_dir: state}
        devices:
          - protocol: modbus-tcp
            name: tank
            host: 127.0.0.1
            port: %d
            poll_interval: %s
            timeout: 5s
            points:
              - {name: level, table: holding_register, address: 0, type: float32}
        mqtt: {broker: '%s'}
        http: {enabled: false}
        """
        .formatted(port, poll, broker);
  }

  @Test
  void sighupReloadsTheConfigAndTheProgramRunsOn() throws Exception {
    Path jar = Path.of("target", "edgerule-daemon.jar");
    assertTrue(Files.exists(jar), "run after `package`: " + jar.toAbsolutePath());
    try (Mosquitto broker = Mosquitto.start(tmp);
        ModbusTcpSimulator sim =
            ModbusTcpSimulator.start(
                ModbusSimConfig.builder()
                    .port(0)
                    .manualTicks()
                    .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 2))
                    .build());
        MqttProbe probe = new MqttProbe(broker.uri(), "edgerule/hup-gw/state")) {
      Path config = tmp.resolve("gateway.yaml");
      Files.writeString(config, config(sim.port(), "100ms", broker.uri()));
      Path log = tmp.resolve("out.log");
      Process p =
          new ProcessBuilder(
                  // a test run started with SIGHUP ignored (nohup) passes that on to its children,
                  // and the JVM cannot handle an ignored signal: env (coreutils) resets it
                  "env",
                  "--default-signal=HUP",
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString(),
                  "run",
                  "--no-watch", // only the signal reloads here
                  "--config",
                  config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        probe.await(m -> m.payload().contains("\"status\":\"online\""), WAIT);
        Poll.until(() -> sim.connectionsAccepted() == 1, WAIT, "the tank connected");
        Files.writeString(config, config(sim.port(), "200ms", broker.uri()));
        int polls = sim.requests().size();
        Poll.until(() -> sim.requests().size() >= polls + 5, WAIT, "polls go on");
        assertEquals(1, sim.connectionsAccepted(), "--no-watch: the file alone reloads nothing");
        Process kill =
            new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -HUP");
        try {
          Poll.until(() -> sim.connectionsAccepted() >= 2, WAIT, "the changed device reconnected");
        } catch (AssertionError e) {
          throw new AssertionError(
              e.getMessage()
                  + "; connections: "
                  + sim.connectionsAccepted()
                  + ", program alive: "
                  + p.isAlive()
                  + ", its output:\n"
                  + read(log),
              e);
        }
        Poll.until(
            () -> read(log).contains("config reloaded: devices changed"),
            WAIT,
            "the reload logged");
        assertTrue(p.isAlive(), "SIGHUP does not stop the program");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "still running after SIGTERM");
        assertEquals(0, p.exitValue(), Files.readString(log));
      } finally {
        p.destroyForcibly();
      }
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
