package io.edgerule.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.Await;
import io.edgerule.ota.device.BootChoice;
import io.edgerule.ota.device.DeviceUpdater;
import io.edgerule.ota.device.ImageStore;
import io.edgerule.ota.device.MqttImageFetch;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.device.TrialPolicy;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.fleet.sim.VirtualPort;
import io.edgerule.ota.image.TestImages;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The follower's decisions, on a broker in memory; the real Mosquitto runs in the simulator IT. */
class RolloutFollowerTest {
  static final TrialPolicy QUICK =
      new TrialPolicy(Duration.ZERO, Duration.ofMillis(200), Duration.ofMillis(20), 3, 0, 0, 0.01);
  static final FleetTopics TOPICS = new FleetTopics("edgerule");

  @TempDir Path tmp;
  final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
  final Clock clock =
      Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), TestImages.NOW));
  final Signer key = TestImages.newSigner("release");
  final TrustRoot root = TestImages.root(1, List.of(key), Set.of());
  final FakeBroker broker = new FakeBroker();
  final List<UpdateStatus> statuses = new CopyOnWriteArrayList<>();
  final List<RollbackSwitch> reverts = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    exec.shutdownNow();
  }

  byte[] image(long sv) {
    return TestImages.signed(TestImages.unsigned(TestImages.header("plant", sv), "pump"), key);
  }

  RolloutImage publish(byte[] file) throws Exception {
    ImagePublisher.publish(broker.link(), "edgerule", file, 1024).toCompletableFuture().get();
    return ImagePublisher.describe(file, "t.rimg");
  }

  Rollout rollout(RolloutImage img, long revision, RolloutState state, Wave... waves) {
    Instant t = TestImages.NOW.minusSeconds(600);
    return new Rollout("r1", revision, img, state, 0, false, List.of(waves), t, t, t, "");
  }

  DeviceUpdater gateway(String id, VirtualPort port) throws Exception {
    return gateway(id, port, 32L << 20, Duration.ofMinutes(1), Duration.ofMinutes(5));
  }

  DeviceUpdater gateway(
      String id,
      VirtualPort port,
      long maxImageBytes,
      Duration chunkTimeout,
      Duration downloadTimeout)
      throws Exception {
    ImageStore store = ImageStore.open(tmp.resolve(id));
    MqttLink link = broker.link();
    DeviceUpdater u =
        new DeviceUpdater(
            store,
            port,
            s -> {
              statuses.add(s);
              link.publish(TOPICS.status(id), s.toJson(), 1, true);
            },
            QUICK,
            exec,
            clock);
    u.start(BootChoice.decide(store, QUICK.maxTrialBoots())).toCompletableFuture().get();
    Supplier<TrustRoot> trust = () -> root;
    RolloutFollower f =
        new RolloutFollower(
            new RolloutFollower.Settings(
                id,
                TOPICS,
                tmp.resolve(id + "-dl"),
                TestImages.GATEWAY,
                downloadTimeout,
                maxImageBytes,
                chunkTimeout),
            link,
            u,
            trust,
            s -> {
              reverts.add(s);
              return CompletableFuture.completedFuture(u.status());
            },
            exec,
            clock);
    f.start().toCompletableFuture().get();
    return u;
  }

  void putRollout(Rollout r) {
    broker.publish(TOPICS.rollout(), RolloutJson.write(r), true);
  }

  /**
   * The report of {@code revision} made after the follower's own install or revert round ended. The
   * updater shows its final state a moment before that round ends, and a report made in between
   * says "installing" (or "returning ..."): true then, but not the settled answer a test asserts.
   */
  FollowReport settledReport(String gatewayId, long revision) throws InterruptedException {
    Await.until(
        Duration.ofSeconds(60),
        () -> {
          FollowReport f = followOf(gatewayId);
          return f != null
              && f.revision() == revision
              && !f.detail().equals("installing")
              && !f.detail().startsWith("returning to the previous image");
        },
        () -> "the settled report of revision " + revision + ": " + followOf(gatewayId));
    return followOf(gatewayId);
  }

  long installs(String version) {
    return statuses.stream()
        .filter(s -> s.state() == UpdateState.STAGED && s.image().version().equals(version))
        .count();
  }

  @Test
  void aGatewayInItsWaveInstallsOnceWhateverIsDeliveredAgain() throws Exception {
    RolloutImage img = publish(image(3));
    VirtualPort port = new VirtualPort(null);
    DeviceUpdater u = gateway("gw-1", port);
    Rollout r = rollout(img, 5, RolloutState.RUNNING, Rollouts.canary("gw-1"));
    putRollout(r);
    Await.until(
        Duration.ofSeconds(60),
        () -> u.status() != null && u.status().state() == UpdateState.COMMITTED,
        () -> "committed; statuses " + statuses);
    assertEquals(img.id(), u.status().running());
    // Duplicates, an older revision late, a newer revision: nothing is installed again.
    putRollout(r);
    putRollout(rollout(img, 4, RolloutState.RUNNING, Rollouts.canary("gw-1")));
    putRollout(rollout(img, 6, RolloutState.DONE, Rollouts.canary("gw-1")));
    assertEquals("running it", settledReport("gw-1", 6).detail());
    assertEquals(1, installs(img.id().version()));
  }

  @Test
  void anImageLargerThanTheGatewayTakesIsRejectedWithoutADownload() throws Exception {
    byte[] file = image(3);
    RolloutImage img = publish(file);
    DeviceUpdater u =
        gateway(
            "gw-small",
            new VirtualPort(null),
            file.length - 1,
            Duration.ofMinutes(1),
            Duration.ofMinutes(5));
    putRollout(rollout(img, 1, RolloutState.RUNNING, Rollouts.canary("gw-small")));
    Await.until(
        Duration.ofSeconds(60),
        () -> u.status() != null && u.status().state() == UpdateState.REJECTED,
        () -> "rejected; statuses " + statuses);
    assertTrue(u.status().detail().contains("more than this gateway takes"), u.status().detail());
    assertTrue(
        statuses.stream().noneMatch(s -> s.state() == UpdateState.DOWNLOADING), "not downloaded");
    assertEquals(UpdateState.REJECTED, settledReport("gw-small", 1).result());
  }

  /** The broker loses a retained chunk (returned, to put back). */
  byte[] lose(String chunkTopic) {
    byte[] chunk = broker.retained.remove(chunkTopic);
    assertNotNull(chunk, "the image has a second chunk to lose");
    return chunk;
  }

  /** A gateway that asks for the chunks again after 200 ms without one. */
  DeviceUpdater stallingGateway(String id, Duration downloadTimeout) throws Exception {
    return gateway(id, new VirtualPort(null), 32L << 20, Duration.ofMillis(200), downloadTimeout);
  }

  @Test
  void aChunkTheBrokerDroppedIsAskedForAgainAfterTheChunkTimeoutAndTheImageInstalled()
      throws Exception {
    RolloutImage img = publish(image(3));
    String missing = MqttImageFetch.chunkTopic("edgerule", img.sha256(), 1);
    byte[] chunk = lose(missing);
    DeviceUpdater u = stallingGateway("gw-stall", Duration.ofMinutes(5));
    putRollout(rollout(img, 1, RolloutState.RUNNING, Rollouts.canary("gw-stall")));
    Await.until(
        Duration.ofSeconds(60),
        () -> statuses.stream().anyMatch(s -> s.detail().contains("asked again")),
        () -> "asked for the chunks again; statuses " + statuses);
    // retained again without a live delivery: only a new SUBSCRIBE brings it
    broker.retained.put(missing, chunk);
    Await.until(
        Duration.ofSeconds(60),
        () -> u.status() != null && u.status().state() == UpdateState.COMMITTED,
        () -> "committed; statuses " + statuses);
    assertTrue(
        statuses.stream().noneMatch(s -> s.state() == UpdateState.REJECTED),
        "a stall alone gives nothing up: " + statuses);
    String asked =
        statuses.stream()
            .map(UpdateStatus::detail)
            .filter(d -> d.contains("asked again"))
            .findFirst()
            .orElseThrow();
    assertTrue(asked.startsWith("over MQTT: no chunk for 200 ms, asked again (once)"), asked);
  }

  @Test
  void aDownloadThatNeverCompletesIsGivenUpAtTheDownloadTimeout() throws Exception {
    RolloutImage img = publish(image(3));
    lose(MqttImageFetch.chunkTopic("edgerule", img.sha256(), 1));
    DeviceUpdater u = stallingGateway("gw-lost", Duration.ofSeconds(2));
    putRollout(rollout(img, 1, RolloutState.RUNNING, Rollouts.canary("gw-lost")));
    Await.until(
        Duration.ofSeconds(60),
        () -> u.status() != null && u.status().state() == UpdateState.REJECTED,
        () -> "rejected; statuses " + statuses);
    String why = u.status().detail();
    assertEquals(
        "download failed: not complete after 2000 ms (the download timeout): 1 of 2 chunks held",
        why);
    String filter = MqttImageFetch.chunksFilter("edgerule", img.sha256());
    assertEquals(0, broker.subscriptions(filter), "the fetch asks no more after the timeout");
  }

  @Test
  void aFailedImageIsNotTriedAgainAndOthersWaitForTheirWave() throws Exception {
    RolloutImage img = publish(image(4));
    DeviceUpdater bad = gateway("gw-bad", new VirtualPort(img.id()));
    gateway("gw-late", new VirtualPort(null));
    putRollout(
        rollout(img, 1, RolloutState.RUNNING, Rollouts.canary("gw-bad"), Rollouts.wave(100)));
    Await.until(
        Duration.ofSeconds(60),
        () -> bad.status() != null && bad.status().state() == UpdateState.ROLLED_BACK,
        () -> "rolled back; statuses " + statuses);
    Await.until(
        Duration.ofSeconds(60),
        () -> followOf("gw-late") != null && followOf("gw-late").wave() == 1,
        () -> "gw-late's report: " + followOf("gw-late"));
    FollowReport late = followOf("gw-late");
    assertEquals(false, late.install());
    putRollout(
        rollout(img, 2, RolloutState.RUNNING, Rollouts.canary("gw-bad"), Rollouts.wave(100)));
    settledReport("gw-bad", 2);
    assertTrue(
        followOf("gw-bad").detail().startsWith("tried: ROLLED_BACK"), followOf("gw-bad").detail());
    assertEquals(1, installs(img.id().version()), "not tried again");
    assertEquals(UpdateState.ROLLED_BACK, followOf("gw-bad").result());
  }

  @Test
  void aVerifiedSwitchRevertsOnceAndHaltsTheRollout() throws Exception {
    RolloutImage img = publish(image(5));
    DeviceUpdater u = gateway("gw-1", new VirtualPort(null));
    Rollout r = rollout(img, 1, RolloutState.RUNNING, Rollouts.canary("gw-1"), Rollouts.wave(100));
    putRollout(r);
    Await.until(
        Duration.ofSeconds(60),
        () -> u.status() != null && u.status().state() == UpdateState.COMMITTED,
        () -> "committed; statuses " + statuses);
    RollbackSwitch cmd =
        new RollbackSwitch(
            "rb-1",
            "r1",
            img,
            List.of(),
            TestImages.NOW.minusSeconds(10),
            TestImages.NOW.plusSeconds(86_400),
            "test");
    byte[] unsigned = RollbackSwitches.unsigned(cmd).bytes();
    broker.publish(TOPICS.rollback("rb-0"), unsigned, true); // refused: no signature
    byte[] env = RollbackSwitches.unsigned(cmd).signedBy(key).bytes();
    broker.publish(TOPICS.rollback("rb-1"), env, true);
    broker.publish(TOPICS.rollback("rb-1"), env, true); // duplicate
    Await.until(Duration.ofSeconds(60), () -> !reverts.isEmpty(), () -> "a revert");
    putRollout(r.next(RolloutState.RUNNING, 1, false, TestImages.NOW, "wave 1"));
    Await.until(
        Duration.ofSeconds(60),
        () -> followOf("gw-1").detail().equals("halted by rollback switch rb-1"),
        () -> "halted: " + followOf("gw-1"));
    assertEquals(List.of(cmd), reverts, "acted on once, the unsigned one never");
  }

  FollowReport followOf(String gw) {
    byte[] b = broker.retained.get(TOPICS.follow(gw));
    try {
      return b == null ? null : FollowReport.fromJson(b, gw);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
