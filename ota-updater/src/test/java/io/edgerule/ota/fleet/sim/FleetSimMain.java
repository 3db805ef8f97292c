package io.edgerule.ota.fleet.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Runs the fleet scenario by hand against a broker that is already running (see
 * benchmarks/fleet/run.sh and docs/benchmarks.md):
 *
 * <pre>
 * FleetSimMain BROKER_URI GATEWAYS [CONNECTIONS] [FAIL_SHARE] [THREADS] [EXAMPLES_DIR]
 * </pre>
 *
 * The broker must keep QoS 1 queues unbounded ({@code max_queued_messages 0}) or it drops reports
 * under the burst, and should publish {@code $SYS} ({@code sys_interval 1}) for its own totals.
 */
public final class FleetSimMain {
  private FleetSimMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: FleetSimMain BROKER_URI GATEWAYS [CONNECTIONS] [FAIL_SHARE] [THREADS] [EXAMPLES_DIR]");
      System.exit(2);
    }
    int gateways = Integer.parseInt(args[1]);
    int connections = args.length > 2 ? Integer.parseInt(args[2]) : Math.max(1, gateways / 100);
    double share = args.length > 3 ? Double.parseDouble(args[3]) : 0.2;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    Path examples = Path.of(args.length > 5 ? args[5] : "examples/rules");
    Path work = workDir(Files.createTempDirectory("fleet-sim"));
    try {
      FleetScenario.Result r =
          FleetScenario.run(
              new FleetScenario.Settings(
                  args[0],
                  java.util.Optional::empty,
                  gateways,
                  connections,
                  share,
                  threads,
                  work,
                  examples,
                  Duration.ofMillis(500),
                  Duration.ofSeconds(1),
                  Duration.ofMinutes(30),
                  false),
              System.out);
      System.out.printf(
          "RESULT %s at wave %d (highest wave published %d); later waves touched: %d;"
              + " not back at A: %d; publish failures %d; audit %s%n",
          r.end().state(),
          r.end().wave(),
          r.highestWave(),
          r.laterWavesTouched().size(),
          r.notBack().size(),
          r.publishFailures(),
          r.auditIntact() ? "intact" : "BROKEN");
    } finally {
      delete(work);
    }
  }

  /**
   * Where the gateways' image stores go: a folder in /dev/shm when there is one (their fsyncs then
   * cost nothing, so the figures are about the fleet protocol, not this machine's disk), else
   * {@code fallback}.
   */
  static Path workDir(Path fallback) throws IOException {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return Files.createTempDirectory(shm, "edgerule-fleet-sim");
    }
    return fallback;
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
