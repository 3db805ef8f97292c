package io.edgerule.ota.fleet.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.mqtt.testing.TestBroker.PublishTotals;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.fleet.AuditLog;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.ImagePublisher;
import io.edgerule.ota.fleet.RollbackSwitch;
import io.edgerule.ota.fleet.RollbackSwitches;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutController;
import io.edgerule.ota.fleet.RolloutImage;
import io.edgerule.ota.fleet.RolloutJson;
import io.edgerule.ota.fleet.RolloutState;
import io.edgerule.ota.fleet.RolloutTarget;
import io.edgerule.ota.fleet.Wave;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustRoot;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The fleet simulator's scenario, run by {@code FleetSimulatorIT} (against Mosquitto and HiveMQ)
 * and by hand ({@link FleetSimMain}, 10,000): every gateway runs image A committed; the controller
 * rolls out image B in waves (two canaries that pass, then 10 %, 50 %, 100 %) while B's rules trap
 * on a chosen share of the gateways; the rollout must stop at the first wave whose error threshold
 * is crossed and no later wave may start; then the signed rollback switch must bring every gateway
 * back to A. Optionally the controller is killed in the middle of that wave (right after a verdict
 * that waits for more results) and another one, with a new connection, carries on from the broker's
 * retained truth. Reports wall times, broker messages, controller CPU and the load.
 */
final class FleetScenario {
  static final String PREFIX = "edgerule";

  /**
   * @param broker {@code tcp://host:port}
   * @param brokerTotals the broker's own PUBLISH counts when it runs in this JVM (else empty)
   * @param examples the folder of the example rules (for the images' rule)
   * @param restartMidWave kill the controller in the middle of wave 1 and start another
   */
  record Settings(
      String broker,
      Supplier<Optional<PublishTotals>> brokerTotals,
      int gateways,
      int connections,
      double failShare,
      int threads,
      Path dir,
      Path examples,
      Duration step,
      Duration trialWindow,
      Duration limit,
      boolean restartMidWave) {}

  /** What happened, and what it cost. */
  record Result(
      Rollout end,
      int highestWave,
      List<String> laterWavesTouched,
      List<String> notBack,
      int failedB,
      int committedB,
      int failingShare,
      long publishFailures,
      boolean auditIntact,
      List<String> auditActions,
      Optional<MidWaveRestart> restart,
      String figures) {}

  private FleetScenario() {}

  static Result run(Settings s, PrintStream log) throws Exception {
    quietLogs();
    Files.createDirectories(s.dir());
    FleetTopics topics = new FleetTopics(PREFIX);
    Instant now = Instant.now();
    Signer key = SoftwareKeys.signer(SoftwareKeys.generate(), "release");
    TrustRoot root = ScenarioImages.root(key, now);
    byte[] imageA = ScenarioImages.image(s.examples(), "1.0.0", 1, key, now);
    byte[] imageB = ScenarioImages.image(s.examples(), "2.0.0", 2, key, now);
    RolloutImage a = ImagePublisher.describe(imageA, "a.rimg");
    RolloutImage b = ImagePublisher.describe(imageB, "b.rimg");
    List<String> canaries = List.of(String.format("gw-%05d", 1), String.format("gw-%05d", 2));
    TrialPolicy policy =
        new TrialPolicy(Duration.ZERO, s.trialWindow(), Duration.ofMillis(50), 3, 0, 0, 0.01);

    BrokerCounter counter = BrokerCounter.start(s.broker(), PREFIX, s.brokerTotals());
    long t0 = System.nanoTime();
    VirtualFleet fleet =
        VirtualFleet.start(
            new VirtualFleet.Settings(
                s.broker(),
                topics,
                s.gateways(),
                s.connections(),
                "gw-",
                s.dir().resolve("gateways"),
                root,
                policy,
                b.id(),
                s.failShare(),
                canaries,
                s.threads()),
            imageA);
    long tBooted = System.nanoTime();
    log.printf(
        "%d gateways booted with %s committed in %.1f s over %d connections; B fails on %d%n",
        s.gateways(), a.id(), secs(tBooted - t0), s.connections(), fleet.failingIds().size());

    Path auditFile = s.dir().resolve("audit.jsonl");
    AtomicInteger highestWave = new AtomicInteger(-1);
    AtomicReference<Rollout> published = new AtomicReference<>();
    SimController first = null;
    SimController second = null;
    ScheduledFuture<?> driving = null;
    try {
      first = SimController.start("fleet-controller-1", s.broker(), topics, auditFile, s.limit());
      // every rollout document the broker sends (a subscriber of its own: the controller's
      // transport holds one handler per filter)
      counter.tap(
          m -> {
            if (!m.topic().equals(topics.rollout()) || m.payload().length == 0) {
              return;
            }
            try {
              Rollout r = RolloutJson.read(m.payload(), m.topic());
              highestWave.accumulateAndGet(r.wave(), Math::max);
              published.set(r);
            } catch (Exception e) {
              log.println("rollout document unreadable: " + e);
            }
          });
      RolloutController controller = first.controller();
      await(
          s.limit(),
          () -> controller.fleet().size() >= s.gateways(),
          () -> "the controller knows " + controller.fleet().size() + " gateways");
      long tKnown = System.nanoTime();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = first.cpuNanos(threads);
      long proc0 = ScenarioFigures.processCpu();
      long[] mq0 = fleet.mqttCounts();
      counter.mark();

      controller.audit("publish", null, "image " + b);
      ImagePublisher.publish(first.link(), PREFIX, imageB, ImagePublisher.DEFAULT_CHUNK)
          .toCompletableFuture()
          .get(120, TimeUnit.SECONDS);
      Duration soak = Duration.ZERO;
      Duration timeout = Duration.ofMinutes(30);
      Rollout started =
          controller
              .begin(
                  "plant-2.0.0",
                  b,
                  List.of(
                      new Wave(canaries, 0, 2, 95, 5, soak, timeout, false),
                      new Wave(List.of(), 10, 50, 95, 5, soak, timeout, false),
                      new Wave(List.of(), 50, 100, 95, 5, soak, timeout, false),
                      new Wave(List.of(), 100, 100, 95, 5, soak, timeout, false)))
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      long tStart = System.nanoTime();
      Optional<MidWaveRestart> restart = Optional.empty();
      SimController driver = first;
      if (s.restartMidWave()) {
        MidWaveRestart.Restarted r = MidWaveRestart.run(s, first, topics, auditFile, log);
        second = r.next();
        restart = Optional.of(r.seen());
        driver = second;
      }
      driving = driver.drive(s.step());
      RolloutController judge = driver.controller();
      await(
          s.limit(),
          () -> judge.rollout().map(r -> r.state() != RolloutState.RUNNING).orElse(false),
          () -> "the rollout stops; " + judge.rollout().map(Rollout::reason).orElse("none"));
      Rollout stopped = judge.rollout().orElseThrow();
      long tStopped = System.nanoTime();
      log.printf(
          "rollout %s after %.1f s: %s wave %d: %s%n",
          started.id(), secs(tStopped - tStart), stopped.state(), stopped.wave(), stopped.reason());

      RollbackSwitch cmd =
          new RollbackSwitch(
              "rb-sim",
              started.id(),
              b,
              List.of(),
              Instant.now(),
              Instant.now().plus(Duration.ofDays(1)),
              "B traps on " + fleet.failingIds().size() + " gateways");
      judge
          .rollback(RollbackSwitches.unsigned(cmd).signedBy(key))
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
      long tSwitch = System.nanoTime();
      await(
          s.limit(),
          () ->
              fleet
                  .notYet(
                      g -> g.settled() && a.id().equals(g.active()) && a.id().equals(g.deployed()))
                  .isEmpty(),
          () -> "every gateway back at " + a.id() + "; " + fleet.census());
      long tBack = System.nanoTime();
      long cpu = first.cpuNanos(threads) - cpu0 + (second == null ? 0 : second.cpuNanos(threads));
      long proc1 = ScenarioFigures.processCpu();
      long[] mq1 = fleet.mqttCounts();
      BrokerCounter.Counts broker = counter.since(s.limit());
      log.printf(
          "every gateway back at %s %.1f s after the switch%n", a.id(), secs(tBack - tSwitch));

      long lastRevision = judge.rollout().orElseThrow().revision();
      await(
          s.limit(),
          () -> published.get() != null && published.get().revision() == lastRevision,
          () -> "the counter saw revision " + lastRevision + ": " + published.get());
      Rollout end = published.get();
      List<String> later = new ArrayList<>();
      int failedB = 0;
      int committedB = 0;
      for (VirtualGateway g : fleet.gateways()) {
        if (RolloutTarget.waveOf(end, g.id()) > end.wave() && g.touched(b.id())) {
          later.add(g.id());
        }
        if (g.history().stream()
            .anyMatch(
                st ->
                    b.id().equals(st.image())
                        && st.state() == UpdateState.ROLLED_BACK
                        && st.detail().startsWith("health gate"))) {
          failedB++;
        }
        if (g.history().stream()
            .anyMatch(st -> b.id().equals(st.image()) && st.state() == UpdateState.COMMITTED)) {
          committedB++;
        }
      }
      List<String> notBack =
          fleet.notYet(g -> a.id().equals(g.active()) && a.id().equals(g.deployed())).stream()
              .map(VirtualGateway::id)
              .toList();
      String figures =
          ScenarioFigures.format(
              new ScenarioFigures.Inputs(
                  s,
                  fleet.failingIds().size(),
                  new ScenarioFigures.Times(t0, tBooted, tKnown, tStart, tStopped, tSwitch, tBack),
                  cpu,
                  proc1 - proc0,
                  mq0,
                  mq1,
                  broker,
                  stopped,
                  failedB,
                  committedB,
                  restart.map(MidWaveRestart::describe).orElse("")));
      log.println(figures);
      return new Result(
          end,
          highestWave.get(),
          later,
          notBack,
          failedB,
          committedB,
          fleet.failingIds().size(),
          mq1[1],
          AuditLog.verify(auditFile).intact(),
          auditActions(auditFile),
          restart,
          figures);
    } finally {
      if (driving != null) {
        driving.cancel(false);
      }
      if (second != null) {
        second.close();
      }
      if (first != null) {
        first.close();
      }
      fleet.close();
      counter.close();
    }
  }

  /**
   * Lets {@code first} judge wave 1 until a verdict waits on a wave that has some results in, kills
   * it right there, and starts the next controller (a new connection and decision thread, the same
   * audit file), which reads the broker's retained truth before it decides anything.
   */
  /** The audit log's actions, in order. */
  static List<String> auditActions(Path file) throws java.io.IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(json.readTree(line).path("action").asText());
      }
    }
    return out;
  }

  /**
   * Thousands of gateways log every transition at INFO: only warnings and errors are kept (a
   * refused switch, a failed publish).
   */
  static void quietLogs() {
    if (org.slf4j.LoggerFactory.getLogger("io.edgerule")
        instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  static double secs(long nanos) {
    return ScenarioFigures.secs(nanos);
  }

  /** Waits for a condition (polling; bounded by {@code limit}). */
  static void await(Duration limit, BooleanSupplier done, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what.get());
      }
      Thread.sleep(20); // polling interval, bounded by the deadline
    }
  }
}
