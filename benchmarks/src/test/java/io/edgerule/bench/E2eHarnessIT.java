package io.edgerule.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A few seconds of the end-to-end benchmark (benchmarks/e2e/e2e.py: a Modbus slave, the gateway
 * through ./edgerule, Mosquitto, mosquitto_sub) to prove the harness works and its report is whole,
 * with each of its slaves: pymodbus (the Node-RED anchor's) and fast (libmodbus, built by the
 * harness with gcc; Debian gcc, libc6-dev, libmodbus-dev). No timing is asserted: the figures
 * depend on the machine; docs/benchmarks.md has them.
 */
class E2eHarnessIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path out;

  @ParameterizedTest(name = "--slave {0}")
  @ValueSource(strings = {"pymodbus", "fast"})
  void aShortRunReportsDeliveredSamplesWithLatencyCpuAndMemory(String slave) throws Exception {
    Path log = out.resolve("harness-" + slave + ".log");
    int[] ports = freePorts(2);
    Process p =
        new ProcessBuilder(
                List.of(
                    "/usr/bin/python3",
                    REPO.resolve("benchmarks/e2e/e2e.py").toString(),
                    "--loads",
                    "1x100",
                    "--warmup",
                    "2",
                    "--window",
                    "4",
                    "--slave",
                    slave,
                    "--quiet-max-wait",
                    "0",
                    "--start-timeout",
                    "240",
                    "--modbus-port",
                    Integer.toString(ports[0]),
                    "--mqtt-port",
                    Integer.toString(ports[1]),
                    "--outdir",
                    out.resolve(slave).toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    // A hang net, not a timing expectation: the gateway may take minutes to start on a loaded
    // machine.
    boolean done = p.waitFor(600, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String output = Files.readString(log);
    assertTrue(done, "the harness did not finish within 600 s:\n" + output);
    assertEquals(0, p.exitValue(), "the harness failed:\n" + output);

    JsonNode summary = new ObjectMapper().readTree(out.resolve(slave + "/summary.json").toFile());
    JsonNode er = summary.path("runs").path(0).path("edgerule");
    assertEquals(1000.0, er.path("offered_samples_per_s").asDouble(), output);
    assertEquals(slave, summary.path("meta").path("slave").asText(), output);
    assertTrue(er.path("slave_polls_per_s").asDouble() > 0, "the slave counted no polls: " + er);
    assertTrue(er.path("samples_per_s").asDouble() > 0, "no samples delivered: " + er);
    assertTrue(er.path("pipeline_ms").path("n").asLong() > 0, "no read->MQTT latency: " + er);
    // A poll cut by the gateway's stop can leave a few samples without their stamp message; more
    // than that means the harness matches samples to polls wrongly.
    assertTrue(
        er.path("samples_unmatched").asLong() * 10 <= er.path("pipeline_ms").path("n").asLong(),
        "samples without their poll's read stamp: " + er);
    assertTrue(er.path("pipeline_ms").path("p50").asDouble() > 0, er.toString());
    assertTrue(
        er.path("pipeline_ms").path("p99.9").asDouble()
            >= er.path("pipeline_ms").path("p50").asDouble(),
        er.toString());
    assertTrue(er.path("cpu_pct").path("gateway").asDouble() > 0, "no gateway CPU: " + er);
    assertTrue(er.path("cpu_us_per_sample").asDouble() > 0, er.toString());
    assertTrue(er.path("rss_window_median_mb").asDouble() > 0, er.toString());
    assertTrue(
        er.path("rss_hwm_mb").asDouble() >= er.path("rss_window_median_mb").asDouble(),
        er.toString());
    assertTrue(er.path("cold_first_msg_s").asDouble() > 0, "no start -> first telemetry: " + er);
    assertTrue(er.path("threads").size() > 0, "no per-thread CPU: " + er);
    assertNotNull(summary.path("meta").get("loadavg"), "the load average belongs to every report");
    String table = Files.readString(out.resolve(slave + "/summary.md"));
    assertTrue(table.contains("| read→MQTT p99 ms |"), table);
  }

  /**
   * Distinct free ports: all sockets are held open until every port is chosen, because the kernel
   * may hand a port that was just closed out again to the next bind(0), and Modbus and MQTT on one
   * port fail the run.
   */
  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
