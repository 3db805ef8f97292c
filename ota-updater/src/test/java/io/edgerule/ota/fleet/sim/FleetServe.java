package io.edgerule.ota.fleet.sim;

import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.ImagePublisher;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Virtual gateways that stay up and follow whatever the operator does with {@code edgerule fleet}
 * (the how-to docs/how-to/fleet-rollout.md runs its commands against them), until Ctrl-C:
 *
 * <pre>
 * FleetServe BROKER_URI GATEWAYS ROOT.json BASELINE.rimg [FAILING.rimg FAIL_SHARE [SPARE_ID,...]]
 * </pre>
 *
 * Every gateway trusts ROOT.json, runs BASELINE.rimg committed, and the rules of FAILING.rimg trap
 * on FAIL_SHARE of them (never on the SPARE ids). Prints how many gateways are in which state
 * whenever that changes.
 */
public final class FleetServe {
  private FleetServe() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: FleetServe BROKER_URI GATEWAYS ROOT.json BASELINE.rimg [FAILING.rimg FAIL_SHARE"
              + " [SPARE_ID,...]]");
      System.exit(2);
    }
    FleetScenario.quietLogs();
    TrustRoot root = TrustRoot.parse(Files.readAllBytes(Path.of(args[2])), args[2]);
    byte[] baseline = Files.readAllBytes(Path.of(args[3]));
    ImageId failing =
        args.length > 4
            ? ImagePublisher.describe(Files.readAllBytes(Path.of(args[4])), args[4]).id()
            : null;
    double share = args.length > 5 ? Double.parseDouble(args[5]) : 0;
    List<String> spare = args.length > 6 ? Arrays.asList(args[6].split(",")) : List.of();
    int n = Integer.parseInt(args[1]);
    Path work = FleetSimMain.workDir(Files.createTempDirectory("fleet-serve"));
    CountDownLatch stop = new CountDownLatch(1);
    Thread main = Thread.currentThread();
    // Ctrl-C / SIGTERM: let the main thread close the gateways and delete their stores before the
    // JVM ends (it does not wait for the main thread by itself)
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    main.join(30_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    try (VirtualFleet fleet =
        VirtualFleet.start(
            new VirtualFleet.Settings(
                args[0],
                new FleetTopics(FleetScenario.PREFIX),
                n,
                Math.max(1, n / 100),
                "gw-",
                work,
                root,
                new TrialPolicy(
                    Duration.ZERO, Duration.ofSeconds(5), Duration.ofMillis(200), 3, 0, 0, 0.01),
                failing,
                share,
                spare,
                4),
            baseline)) {
      System.out.printf(
          "%d virtual gateways up (gw-00001 .. gw-%05d); %s fails on %s%n",
          n, n, failing == null ? "nothing" : failing, fleet.failingIds());
      String last = "";
      while (stop.getCount() > 0) {
        String now = fleet.census();
        if (!now.equals(last)) {
          System.out.println(java.time.LocalTime.now().withNano(0) + " " + now);
          last = now;
        }
        stop.await(1, java.util.concurrent.TimeUnit.SECONDS); // the census' pace
      }
    } finally {
      FleetSimMain.delete(work);
    }
  }
}
