package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state machine against a fake gateway: every path, every transition published. */
class DeviceUpdaterTest {
  private static final TrialPolicy QUICK =
      new TrialPolicy(
          Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofMillis(10), 3, 0, 0, 0.01);

  @TempDir Path tmp;
  final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
  final List<UpdateStatus> published = new CopyOnWriteArrayList<>();
  final FakePort port = new FakePort();

  @AfterEach
  void stop() {
    exec.shutdownNow();
  }

  DeviceUpdater updater(ImageStore store) {
    return new DeviceUpdater(store, port, published::add, QUICK, exec, Clock.systemUTC());
  }

  static UpdateStatus await(java.util.concurrent.CompletionStage<UpdateStatus> s) throws Exception {
    return s.toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  List<String> transitions() {
    return published.stream()
        .map(s -> s.state() + (s.detail().isEmpty() ? "" : ":" + phase(s)))
        .toList();
  }

  static String phase(UpdateStatus s) {
    return s.state() == UpdateState.TRIAL
        ? s.detail()
        : s.state() == UpdateState.STAGED ? s.detail() : "";
  }

  @Test
  void aGoodImageIsTriedAndCommitted() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    UpdateStatus done = await(updater(store).install(ImageStoreTest.image("1", 1)));
    assertEquals(UpdateState.COMMITTED, done.state(), done.detail());
    assertEquals(
        List.of("STAGED:slot A", "TRIAL:self-test", "TRIAL:shadow", "TRIAL:live", "COMMITTED:"),
        transitions());
    assertEquals(new StorePointer(Slot.A, Slot.A, null, true, 1, 0), store.pointer());
    assertEquals(List.of("1"), port.deployed);
    assertEquals("1", done.running().version());
  }

  @Test
  void trapsDuringTheTrialRollBackToTheCommittedImage() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    DeviceUpdater u = updater(store);
    await(u.install(ImageStoreTest.image("1", 1)));
    port.trapsWhileRunning = "2";
    var result = u.install(ImageStoreTest.image("2", 2));
    UpdateStatus done = await(result);
    assertEquals(UpdateState.ROLLED_BACK, done.state());
    assertTrue(done.detail().contains("1 traps"), done.detail());
    assertEquals(List.of("1", "2", "1"), port.deployed, "the committed image deployed again");
    assertEquals(new StorePointer(Slot.A, Slot.A, null, true, 1, 0), store.pointer());
    assertEquals("1", done.running().version());
  }

  @Test
  void aFailedSelfTestOrShadowRejectsWithoutTouchingTheGateway() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    DeviceUpdater u = updater(store);
    port.selfTestFailures = List.of("rule 'pump' self-test output line 2: expected a, got b");
    UpdateStatus st = await(u.install(ImageStoreTest.image("1", 1)));
    assertEquals(UpdateState.REJECTED, st.state());
    assertTrue(st.detail().contains("output line 2"), st.detail());
    port.selfTestFailures = List.of();
    port.shadowFailures = 3;
    UpdateStatus sh = await(u.install(ImageStoreTest.image("1", 1)));
    assertEquals(UpdateState.REJECTED, sh.state());
    assertTrue(sh.detail().contains("failed 3 of 10 calls in shadow mode"), sh.detail());
    assertEquals(List.of(), port.deployed);
    assertEquals(StorePointer.EMPTY, store.pointer());
  }

  @Test
  void aDeployThatFailsRollsBackAndAnImageBelowTheFloorIsRejected() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    DeviceUpdater u = updater(store);
    await(u.install(ImageStoreTest.image("1", 5)));
    port.failDeployOf2 = true;
    UpdateStatus d = await(u.install(ImageStoreTest.image("2", 6)));
    assertEquals(UpdateState.ROLLED_BACK, d.state());
    assertTrue(d.detail().contains("cannot be loaded"), d.detail());
    UpdateStatus low = await(u.install(ImageStoreTest.image("0", 4)));
    assertEquals(UpdateState.REJECTED, low.state());
    assertTrue(low.detail().contains("anti-rollback floor"), low.detail());
  }

  @Test
  void aFallbackAtStartIsReportedAndALiveTrialResumes() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    store.beginTrial(store.stage(ImageStoreTest.image("1", 1)));
    store.commit();
    store.beginTrial(store.stage(ImageStoreTest.image("2", 2)));
    BootChoice resumed = BootChoice.decide(ImageStore.open(tmp), 3);
    UpdateStatus r = await(updater(ImageStore.open(tmp)).start(resumed));
    assertEquals(
        UpdateState.COMMITTED, r.state(), "the resumed trial ran its window and committed");
    assertTrue(
        published.get(0).detail().contains("resumed after a restart"), published.get(0).detail());

    ImageStore again = ImageStore.open(tmp);
    again.beginTrial(again.stage(ImageStoreTest.image("3", 3)));
    for (int i = 0; i < 3; i++) {
      BootChoice.decide(ImageStore.open(tmp), 3);
    }
    published.clear();
    BootChoice fell = BootChoice.decide(ImageStore.open(tmp), 3);
    UpdateStatus f = await(updater(ImageStore.open(tmp)).start(fell));
    assertEquals(UpdateState.ROLLED_BACK, f.state());
    assertEquals("3", f.image().version());
    assertEquals("2", f.running().version());
    assertTrue(f.detail().contains("started 4 times"), f.detail());
  }

  @Test
  void aSwitchReturnsFromTheCommittedImageToThePreviousOne() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    DeviceUpdater u = updater(store);
    await(u.install(ImageStoreTest.image("1", 1)));
    await(u.install(ImageStoreTest.image("2", 2)));
    ImageId two = ImageStoreTest.image("2", 2).id();
    UpdateStatus nothing = await(u.revert(ImageStoreTest.image("9", 9).id(), "not running it"));
    assertEquals(UpdateState.COMMITTED, nothing.state(), "an image it does not run: no change");
    UpdateStatus back = await(u.revert(two, "rollback switch rb-1: pump traps"));
    assertEquals(UpdateState.ROLLED_BACK, back.state());
    assertEquals(two, back.image());
    assertEquals("1", back.running().version());
    assertEquals("rollback switch rb-1: pump traps", back.detail());
    assertEquals(List.of("1", "2", "1"), port.deployed);
    assertEquals(2, store.pointer().floor(), "the floor does not fall");
    assertEquals(back, published.get(published.size() - 1));
    // Once back, the same switch changes nothing; there is nothing further to return to.
    assertEquals(back, await(u.revert(two, "again")));
    ImageId one = ImageStoreTest.image("1", 1).id();
    Exception none =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.util.concurrent.ExecutionException.class,
            () -> u.revert(one, "further").toCompletableFuture().get(60, TimeUnit.SECONDS));
    assertTrue(none.getCause().getMessage().contains("no longer kept"), none.getMessage());
  }

  @Test
  void aSwitchEndsALiveTrialOfItsImage() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    DeviceUpdater u =
        new DeviceUpdater(
            store,
            port,
            published::add,
            new TrialPolicy(Duration.ZERO, Duration.ofHours(1), Duration.ofMillis(10), 3, 0, 0, 1),
            exec,
            Clock.systemUTC());
    var trial = u.install(ImageStoreTest.image("1", 1));
    ImageId one = ImageStoreTest.image("1", 1).id();
    io.edgerule.mqtt.testing.Await.until(
        Duration.ofSeconds(60), () -> port.deployed.contains("1"), () -> "image 1 deployed");
    UpdateStatus back = await(u.revert(one, "rollback switch rb-2"));
    assertEquals(UpdateState.ROLLED_BACK, back.state());
    assertEquals(back, await(trial), "the trial ended with the switch");
    assertEquals(null, back.running(), "the config's rules");
    assertEquals(List.of("1", "config"), port.deployed);
    assertEquals(StorePointer.EMPTY, store.pointer());
  }
}
