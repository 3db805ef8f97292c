package io.edgerule.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's decisions on a broker in memory, with a clock the test moves: waves pass, stop
 * at the error threshold, wait for offline gateways, survive a restart mid-wave without starting a
 * wave twice, and ignore duplicate and late reports.
 */
class RolloutControllerTest {
  static final FleetTopics TOPICS = new FleetTopics("edgerule");
  static final ImageId OLD = new ImageId("plant", "2.0.0", 6);

  @TempDir Path tmp;
  final FakeBroker broker = new FakeBroker();
  final List<ScheduledExecutorService> execs = new ArrayList<>();
  final MutableClock clock = new MutableClock(Rollouts.T0);

  static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @AfterEach
  void stop() {
    execs.forEach(ScheduledExecutorService::shutdownNow);
  }

  RolloutController controller() throws Exception {
    ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
    execs.add(exec);
    RolloutController c =
        new RolloutController(
            broker.link(),
            TOPICS,
            new AuditLog(tmp.resolve("audit.jsonl"), "test", clock),
            exec,
            clock,
            Duration.ZERO); // FakeBroker sends a subscription's retained messages at once
    c.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return c;
  }

  static Wave wave(double percent, int minSample) {
    return new Wave(
        List.of(),
        percent,
        minSample,
        90,
        10,
        Duration.ofMinutes(5),
        Duration.ofMinutes(30),
        false);
  }

  /** A gateway reports a final status about the rollout's image (or any, with {@code image}). */
  void report(String gw, UpdateState state, ImageId image, Instant at) {
    ImageId running = state == UpdateState.COMMITTED ? image : OLD;
    broker.publish(
        TOPICS.status(gw), new UpdateStatus(image, state, "", running, at).toJson(), true);
  }

  /** Gateways of wave {@code w} (first wave covering them) among gw-0..gw-(n-1). */
  static List<String> inWave(Rollout r, int w, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (RolloutTarget.waveOf(r, "gw-" + i) == w) {
        out.add("gw-" + i);
      }
    }
    return out;
  }

  Rollout step(RolloutController c) throws Exception {
    c.step().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return c.rollout().orElseThrow();
  }

  @Test
  void wavesPassAfterTheSoakAndTheRolloutStopsAtTheWaveThatCrossesTheErrorThreshold()
      throws Exception {
    RolloutController c = controller();
    Rollout r =
        c.begin(
                "r1",
                Rollouts.IMAGE,
                List.of(
                    wave(10, 5).withCanary(List.of("gw-c1", "gw-c2")), wave(10, 5), wave(100, 5)))
            .toCompletableFuture()
            .get();
    assertEquals(1, r.revision());
    ImageId img = Rollouts.IMAGE.id();
    report("gw-c1", UpdateState.COMMITTED, img, clock.now);
    assertEquals(0, step(c).wave(), "gw-c2 has not finished: pending, not a failure");
    report("gw-c2", UpdateState.COMMITTED, img, clock.now);
    assertEquals(0, step(c).wave(), "soaking");
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    Rollout w1 = step(c);
    assertEquals(1, w1.wave());
    assertEquals(RolloutState.RUNNING, w1.state());
    assertEquals(clock.now, w1.waveStarted());
    // Wave 1 (10 % of 200): 2 of its first 5 results fail: 40 % > 10 %.
    List<String> gws = inWave(w1, 1, 200);
    assertTrue(gws.size() >= 5, "gateways in wave 1: " + gws);
    for (int i = 0; i < 5; i++) {
      report(gws.get(i), i < 2 ? UpdateState.ROLLED_BACK : UpdateState.COMMITTED, img, clock.now);
    }
    Rollout end = step(c);
    assertEquals(RolloutState.ABORTED, end.state());
    assertEquals(1, end.wave(), "stopped at the wave that crossed the threshold");
    assertTrue(end.reason().contains("2 failed"), end.reason());
    assertTrue(AuditLog.verify(tmp.resolve("audit.jsonl")).intact());
    String log = Files.readString(tmp.resolve("audit.jsonl"));
    assertTrue(
        log.contains("\"action\":\"next-wave\"") && log.contains("\"action\":\"abort\""), log);
  }

  @Test
  void aRestartedControllerCarriesOnFromTheRetainedRolloutWithoutADuplicateWave() throws Exception {
    RolloutController first = controller();
    first
        .begin("r1", Rollouts.IMAGE, List.of(wave(10, 3), wave(100, 3)))
        .toCompletableFuture()
        .get();
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    Rollout r = first.rollout().orElseThrow();
    List<String> gws = inWave(r, 0, 100);
    for (String g : gws) {
      report(g, UpdateState.COMMITTED, Rollouts.IMAGE.id(), clock.now);
    }
    // Duplicates and a late, older status of one gateway change nothing.
    report(gws.get(0), UpdateState.COMMITTED, Rollouts.IMAGE.id(), clock.now);
    broker.publish(
        TOPICS.status(gws.get(0)),
        new UpdateStatus(
                Rollouts.IMAGE.id(), UpdateState.ROLLED_BACK, "", OLD, clock.now.minusSeconds(60))
            .toJson(),
        false);
    Rollout w1 = step(first);
    assertEquals(1, w1.wave());
    long revision = w1.revision();
    execs.get(0).shutdownNow(); // the controller dies mid-wave
    clock.now = clock.now.plus(Duration.ofMinutes(1));
    RolloutController second = controller();
    assertEquals(w1, second.rollout().orElseThrow(), "the broker's truth");
    assertEquals(gws.size(), WaveJudge.count(w1, second.fleet().gateways().values()).committed());
    Rollout after = step(second);
    assertEquals(1, after.wave(), "wave 1 is not started again");
    assertEquals(revision, after.revision(), "nothing published: the wave waits for its sample");
    assertEquals(w1.waveStarted(), after.waveStarted());
  }

  @Test
  void offlineGatewaysStayPendingUntilTheTimeoutPausesTheRollout() throws Exception {
    RolloutController c = controller();
    c.begin("r1", Rollouts.IMAGE, List.of(wave(50, 10), wave(100, 10))).toCompletableFuture().get();
    Rollout r = c.rollout().orElseThrow();
    List<String> gws = inWave(r, 0, 40);
    for (String g : gws) { // every gateway saw the rollout, then most went offline
      broker.publish(
          TOPICS.follow(g),
          new FollowReport(g, "r1", 1, 0, true, "installing", null, OLD, clock.now).toJson(),
          true);
    }
    for (int i = 0; i < 3; i++) {
      report(gws.get(i), UpdateState.COMMITTED, Rollouts.IMAGE.id(), clock.now);
    }
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    Rollout waiting = step(c);
    assertEquals(RolloutState.RUNNING, waiting.state(), "3 of 10 needed have finished");
    WaveJudge.Counts counts = WaveJudge.count(waiting, c.fleet().gateways().values());
    assertEquals(0, counts.failed(), "an offline gateway is no failure");
    assertEquals(gws.size() - 3, counts.pending(), "every offline gateway is pending");
    clock.now = clock.now.plus(Duration.ofMinutes(30));
    Rollout paused = step(c);
    assertEquals(RolloutState.PAUSED, paused.state());
    assertTrue(paused.reason().contains("neither passed nor failed"), paused.reason());
    assertEquals(0, paused.wave());
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> c.pause("again").toCompletableFuture().get());
    assertTrue(e.getCause().getMessage().contains("is PAUSED, not RUNNING"), e.getMessage());
    Rollout resumed = c.resume("more time").toCompletableFuture().get();
    assertEquals(RolloutState.RUNNING, resumed.state());
    assertEquals(clock.now, resumed.waveStarted(), "fresh soak and timeout");
    assertEquals(paused.revision() + 1, resumed.revision());
  }

  @Test
  void aStaleReportReplayedAfterANewerOneAndDuplicatesChangeNothing() throws Exception {
    RolloutController c = controller();
    Rollout r = c.begin("r1", Rollouts.IMAGE, List.of(wave(100, 4))).toCompletableFuture().get();
    ImageId img = Rollouts.IMAGE.id();
    List<String> gws = inWave(r, 0, 8);
    assertTrue(gws.size() >= 5, gws.toString());
    Instant t = clock.now;
    for (int i = 0; i < 4; i++) {
      report(gws.get(i), UpdateState.COMMITTED, img, t);
      broker.publish(
          TOPICS.follow(gws.get(i)),
          new FollowReport(gws.get(i), "r1", 1, 0, true, "", UpdateState.COMMITTED, img, t)
              .toJson(),
          true);
    }
    // gateway 0's reports from a minute before, replayed (a QoS 1 redelivery, a late copy): its
    // trial had failed then. Taken, they would make 1 failure of 4 (25 % > 10 %: abort).
    String gw0 = gws.get(0);
    Instant before = t.minusSeconds(60);
    broker.publish(
        TOPICS.status(gw0),
        new UpdateStatus(img, UpdateState.ROLLED_BACK, "health gate", OLD, before).toJson(),
        false);
    broker.publish(
        TOPICS.follow(gw0),
        new FollowReport(gw0, "r1", 1, 0, true, "", UpdateState.ROLLED_BACK, OLD, before).toJson(),
        false);
    // and the same committed status of gateway 1 three more times
    for (int i = 0; i < 3; i++) {
      report(gws.get(1), UpdateState.COMMITTED, img, t);
    }
    FleetView.Gateway g0 = c.fleet().gateways().get(gw0);
    assertEquals(UpdateState.COMMITTED, g0.status().state(), "the newer status is kept");
    assertEquals(UpdateState.COMMITTED, g0.follow().result(), "the newer follow report is kept");
    assertEquals(WaveJudge.Outcome.COMMITTED, WaveJudge.outcome(r, g0));
    Rollout soaking = step(c);
    assertEquals(RolloutState.RUNNING, soaking.state(), soaking.reason());
    assertEquals(r.revision(), soaking.revision(), "nothing published");
    WaveJudge.Counts n = WaveJudge.count(soaking, c.fleet().gateways().values());
    assertEquals(4, n.committed(), n.toString());
    assertEquals(0, n.failed(), n.toString());

    // a real failure, delivered three times, counts once: 1 failure of 5 (20 % > 10 %)
    for (int i = 0; i < 3; i++) {
      report(gws.get(4), UpdateState.ROLLED_BACK, img, t.plusSeconds(1));
    }
    assertEquals(1, WaveJudge.count(r, c.fleet().gateways().values()).failed());
    Rollout end = step(c);
    assertEquals(RolloutState.ABORTED, end.state());
    assertTrue(end.reason().contains("4 committed, 1 failed"), end.reason());
  }
}
