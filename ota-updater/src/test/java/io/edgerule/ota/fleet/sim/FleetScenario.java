package io.edgerule.ota.fleet.sim;

import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.TrialPolicy;
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
import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageBuilder;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageManifest;
import io.edgerule.ota.image.ImageSigning;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustRoot;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The fleet simulator's scenario, run by {@code FleetSimulatorIT} (1,000 gateways) and by hand
 * ({@link FleetSimMain}, 10,000): every gateway runs image A committed; the controller rolls out
 * image B in waves (two canaries that pass, then 10 %, 50 %, 100 %) while B's rules trap on a
 * chosen share of the gateways; the rollout must stop at the first wave whose error threshold is
 * crossed and no later wave may start; then the signed rollback switch must bring every gateway
 * back to A. Reports wall times, broker messages, controller CPU and the machine's load.
 */
final class FleetScenario {
  static final String PREFIX = "edgerule";

  /**
   * @param broker {@code tcp://host:port}
   * @param examples the folder of the example rules (for the images' rule)
   */
  record Settings(
      String broker,
      int gateways,
      int connections,
      double failShare,
      int threads,
      Path dir,
      Path examples,
      Duration step,
      Duration trialWindow,
      Duration limit) {}

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
      String figures) {}

  private FleetScenario() {}

  static Result run(Settings s, PrintStream log) throws Exception {
    quietLogs();
    Files.createDirectories(s.dir());
    FleetTopics topics = new FleetTopics(PREFIX);
    Instant now = Instant.now();
    Signer key = SoftwareKeys.signer(SoftwareKeys.generate(), "release");
    TrustRoot root = root(key, now);
    byte[] imageA = image(s.examples(), "1.0.0", 1, key, now);
    byte[] imageB = image(s.examples(), "2.0.0", 2, key, now);
    RolloutImage a = ImagePublisher.describe(imageA, "a.rimg");
    RolloutImage b = ImagePublisher.describe(imageB, "b.rimg");
    List<String> canaries = List.of(String.format("gw-%05d", 1), String.format("gw-%05d", 2));
    TrialPolicy policy =
        new TrialPolicy(Duration.ZERO, s.trialWindow(), Duration.ofMillis(50), 3, 0, 0, 0.01);

    BrokerCounter counter = BrokerCounter.start(s.broker(), PREFIX);
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

    ScheduledExecutorService exec =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "fleet-controller"));
    String controllerId = "fleet-controller-" + ProcessHandle.current().pid();
    MqttTransport ct =
        new MqttTransport(
            TransportConfig.builder(s.broker(), controllerId)
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(2))
                .build());
    ct.start();
    MqttLink link = MqttLink.of(ct);
    Path auditFile = s.dir().resolve("audit.jsonl");
    RolloutController controller =
        new RolloutController(
            link,
            topics,
            new AuditLog(auditFile, "simulator", Clock.systemUTC()),
            exec,
            Clock.systemUTC());
    AtomicInteger highestWave = new AtomicInteger(-1);
    AtomicReference<Rollout> published = new AtomicReference<>();
    ScheduledFuture<?> driving = null;
    try {
      awaitUp(ct, s.limit());
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
      controller.start().toCompletableFuture().get(120, TimeUnit.SECONDS);
      await(
          s.limit(),
          () -> controller.fleet().size() >= s.gateways(),
          () -> "the controller knows " + controller.fleet().size() + " gateways");
      long tKnown = System.nanoTime();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpu0 = controllerCpu(threads, controllerId);
      long proc0 = processCpu();
      long[] mq0 = fleet.mqttCounts();
      counter.mark();

      controller.audit("publish", null, "image " + b);
      ImagePublisher.publish(link, PREFIX, imageB, ImagePublisher.DEFAULT_CHUNK)
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
      driving = controller.drive(s.step());
      await(
          s.limit(),
          () -> controller.rollout().map(r -> r.state() != RolloutState.RUNNING).orElse(false),
          () -> "the rollout stops; " + controller.rollout().map(Rollout::reason).orElse("none"));
      Rollout stopped = controller.rollout().orElseThrow();
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
      controller
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
      // the controller's view of the fleet after the switch (the gateways' reports)
      long cpu1 = controllerCpu(threads, controllerId);
      long proc1 = processCpu();
      long[] mq1 = fleet.mqttCounts();
      BrokerCounter.Counts broker = counter.since(s.limit());
      log.printf(
          "every gateway back at %s %.1f s after the switch%n", a.id(), secs(tBack - tSwitch));

      long lastRevision = controller.rollout().orElseThrow().revision();
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
                        && st.state() == io.edgerule.ota.device.UpdateState.ROLLED_BACK
                        && st.detail().startsWith("health gate"))) {
          failedB++;
        }
        if (g.history().stream()
            .anyMatch(
                st ->
                    b.id().equals(st.image())
                        && st.state() == io.edgerule.ota.device.UpdateState.COMMITTED)) {
          committedB++;
        }
      }
      List<String> notBack =
          fleet.notYet(g -> a.id().equals(g.active()) && a.id().equals(g.deployed())).stream()
              .map(VirtualGateway::id)
              .toList();
      String figures =
          figures(
              s,
              fleet,
              new long[] {t0, tBooted, tKnown, tStart, tStopped, tSwitch, tBack},
              cpu1 - cpu0,
              proc1 - proc0,
              mq0,
              mq1,
              broker,
              stopped,
              failedB,
              committedB);
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
          figures);
    } finally {
      if (driving != null) {
        driving.cancel(false);
      }
      exec.shutdownNow();
      ct.close();
      fleet.close();
      counter.close();
    }
  }

  private static String figures(
      Settings s,
      VirtualFleet fleet,
      long[] t,
      long controllerCpu,
      long processCpu,
      long[] mq0,
      long[] mq1,
      BrokerCounter.Counts broker,
      Rollout stopped,
      int failedB,
      int committedB) {
    double[] load = loadAverage();
    return String.format(
        java.util.Locale.ROOT,
        "FIGURES gateways=%d connections=%d threads=%d fail_share=%.2f failing=%d%n"
            + "  boot (A installed, committed) %.1f s; controller knows all %.1f s later%n"
            + "  rollout start -> %s at wave %d: %.1f s (in the end %d gateways failed B, %d committed it:"
            + " trials under way at the stop finish)%n"
            + "  switch -> every gateway back at A: %.1f s; rollout start -> all back: %.1f s%n"
            + "  broker messages (start of publish .. all back): %d published to %s/#, %d bytes;"
            + " broker's $SYS: PUBLISH received %s, sent %s, dropped %s%n"
            + "  gateway side: %d publishes acknowledged, %d failed; %d messages from the broker,"
            + " fanned out to %d gateway deliveries%n"
            + "  controller CPU %.2f s (its MQTT and decision threads); whole JVM CPU %.1f s%n"
            + "  load average at the end %.2f %.2f %.2f (%d cores)",
        s.gateways(),
        s.connections(),
        s.threads(),
        s.failShare(),
        fleet.failingIds().size(),
        secs(t[1] - t[0]),
        secs(t[2] - t[1]),
        stopped.state(),
        stopped.wave(),
        secs(t[4] - t[3]),
        failedB,
        committedB,
        secs(t[6] - t[5]),
        secs(t[6] - t[3]),
        broker.messages(),
        PREFIX,
        broker.bytes(),
        broker.sysReceived().map(Object::toString).orElse("n/a"),
        broker.sysSent().map(Object::toString).orElse("n/a"),
        broker.sysDropped().map(Object::toString).orElse("n/a"),
        mq1[0] - mq0[0],
        mq1[1] - mq0[1],
        mq1[2] - mq0[2],
        mq1[3] - mq0[3],
        controllerCpu / 1e9,
        processCpu / 1e9,
        load[0],
        load[1],
        load[2],
        Runtime.getRuntime().availableProcessors());
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
    return nanos / 1e9;
  }

  /** CPU time of the controller's threads: its decision thread and its MQTT client's threads. */
  static long controllerCpu(ThreadMXBean mx, String clientId) {
    long sum = 0;
    for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (ti == null) {
        continue;
      }
      String n = ti.getThreadName();
      if (n.equals("fleet-controller") || n.contains(clientId)) {
        long c = mx.getThreadCpuTime(ti.getThreadId());
        if (c > 0) {
          sum += c;
        }
      }
    }
    return sum;
  }

  static long processCpu() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime()
        : -1;
  }

  static double[] loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return new double[] {
        Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
      };
    } catch (IOException | RuntimeException e) {
      double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      return new double[] {l, l, l};
    }
  }

  static TrustRoot root(Signer key, Instant now) throws Exception {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                1, now.plus(Duration.ofDays(365)), 1, 1, List.of(key.publicKey()), Set.of()));
    byte[] sig = key.sign(Pae.encode(Pae.ROOT_TYPE, r.payload()));
    return r.withSignature(new SignatureEntry(key.publicKey().id(), sig));
  }

  static byte[] image(Path examples, String version, long sv, Signer key, Instant now)
      throws Exception {
    ImageBuilder.Header h =
        new ImageBuilder.Header(
            "plant",
            version,
            sv,
            now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(30)),
            new ImageManifest.Compatibility(
                GatewayVersion.parse("0.1.0"), Optional.of(GatewayVersion.parse("1.0.0")), 1));
    ImageBuilder.RuleFiles pump =
        new ImageBuilder.RuleFiles(
            Files.readAllBytes(examples.resolve("pump.wasm")),
            Files.readAllBytes(examples.resolve("pump.yaml")),
            Optional.empty(),
            Optional.empty());
    byte[] unsigned = ImageBuilder.build(h, List.of(pump), List.of("pump"));
    return ImageSigning.sign(unsigned, "plant-" + version + ".rimg", key, ImageLimits.defaults());
  }

  private static void awaitUp(MqttTransport t, Duration limit) throws InterruptedException {
    await(limit, t::isConnected, () -> "the controller connects");
  }

  /** Waits for a condition (polling; bounded by {@code limit}). */
  static void await(Duration limit, BooleanSupplier done, java.util.function.Supplier<String> what)
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
