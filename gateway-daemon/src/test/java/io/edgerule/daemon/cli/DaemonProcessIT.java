package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged program as an operator runs it: SIGTERM stops it cleanly with exit code 0. */
class DaemonProcessIT {
  @TempDir Path tmp;

  @Test
  void sigtermStopsCleanlyWithExitZero() throws Exception {
    Path jar = Path.of("target", "edgerule-daemon.jar");
    assertTrue(Files.exists(jar), "run after `package`: " + jar.toAbsolutePath());
    try (Mosquitto broker = Mosquitto.start(tmp);
        MqttProbe probe = new MqttProbe(broker.uri(), "edgerule/proc-gw/state")) {
      Path config = tmp.resolve("gateway.yaml");
      Files.writeString(
          config,
          "gateway: {id: proc-gw, state_dir: state}\nmqtt: {broker: '" + broker.uri() + "'}\n");
      Path log = tmp.resolve("out.log");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString(),
                  "run",
                  "--config",
                  config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        probe.await(m -> m.payload().contains("\"status\":\"online\""), Duration.ofSeconds(30));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "still running after SIGTERM");
        assertEquals(0, p.exitValue(), Files.readString(log));
        String out = Files.readString(log);
        assertTrue(out.contains("gateway proc-gw stopped"), out);
        probe.await(m -> m.payload().contains("\"reason\":\"shutdown\""), Duration.ofSeconds(5));
      } finally {
        p.destroyForcibly();
      }
    }
  }
}
