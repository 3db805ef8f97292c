package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Wat;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, class 4: a JVM out of heap lived on as a zombie (threads dead one by one, SIGTERM
 * ignored, the broker still showing it online). Each rule is within its own heap budget, but the
 * gateway is given a heap too small for all of them together: run as {@code ./edgerule} runs it
 * ({@code -XX:+ExitOnOutOfMemoryError}), the process exits at once and the broker publishes its
 * last will, so systemd restarts it and the fleet sees it went down.
 */
class OutOfMemoryExitIT {
  @TempDir Path tmp;

  /** Each tick grows the rule's memory to its 16 MiB cap and fills it. */
  private static final String HOG =
      "(module\n"
          + "(memory (export \"memory\") 1 256)\n"
          + "(func (export \"edgerule_abi_v1\"))\n"
          + "(func (export \"er_init\") (result i32) (i32.const 0))\n"
          + "(func (export \"er_buffer\") (param i32) (result i32) (i32.const 0))\n"
          + "(func (export \"er_on_events\") (param i32 i32) (result i32) (i32.const 0))\n"
          + "(func (export \"er_on_tick\") (result i32)"
          + " (drop (memory.grow (i32.sub (i32.const 256) (memory.size))))"
          + " (memory.fill (i32.const 0) (i32.const 1) (i32.mul (memory.size) (i32.const 65536)))"
          + " (i32.const 0))\n"
          + ")";

  private static final int RULES = 12; // 12 x 16 MiB against a 96 MiB heap

  @Test
  void aGatewayOutOfHeapExitsAtOnceAndItsLastWillGoesOut() throws Exception {
    Path jar = Path.of("target", "edgerule-daemon.jar");
    assertTrue(Files.exists(jar), "run after `package`: " + jar.toAbsolutePath());
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    StringBuilder config = new StringBuilder();
    try (Mosquitto broker = Mosquitto.start(tmp);
        MqttProbe probe = new MqttProbe(broker.uri(), "edgerule/oom-gw/state")) {
      config.append("gateway: {id: oom-gw, state_dir: state}\n");
      config.append("mqtt: {broker: '").append(broker.uri()).append("'}\n");
      config.append("rules:\n");
      Wat.compile(HOG, rules.resolve("hog.wasm"));
      for (int i = 0; i < RULES; i++) {
        Files.copy(rules.resolve("hog.wasm"), rules.resolve("hog" + i + ".wasm"));
        Files.writeString(
            rules.resolve("hog" + i + ".yaml"),
            "name: hog" + i + "\ninputs: ['tank/#']\ntick: 2s\nlimits: {memory_pages: 256}\n");
        config.append("  - {name: hog").append(i).append(", wasm: rules/hog").append(i);
        config.append(".wasm}\n");
      }
      Path file = tmp.resolve("gateway.yaml");
      Files.writeString(file, config);
      Path log = tmp.resolve("out.log");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:+ExitOnOutOfMemoryError",
                  "-Xmx96m",
                  "-jar",
                  jar.toAbsolutePath().toString(),
                  "run",
                  "--config",
                  file.toString())
              .directory(tmp.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        probe.await(m -> m.payload().contains("\"status\":\"online\""), Duration.ofSeconds(60));
        assertTrue(
            p.waitFor(120, TimeUnit.SECONDS),
            "still running with a heap too small for its rules: " + Files.readString(log));
        String out = Files.readString(log);
        assertNotEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Terminating due to java.lang.OutOfMemoryError"), out);
        probe.await(
            m -> m.payload().contains("\"reason\":\"connection lost\""), Duration.ofSeconds(30));
      } finally {
        p.destroyForcibly();
      }
    }
  }
}
