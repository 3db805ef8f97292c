package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.image.TestImages;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed .rimg from file to slot: verified, its files and self-tests in the slot, floors kept.
 */
class VerifiedInstallTest {
  private static final TrialPolicy QUICK =
      new TrialPolicy(Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(10), 3, 0, 0, 0.01);

  @TempDir Path tmp;
  final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
  final Signer key = TestImages.newSigner("release");
  final TrustRoot root = TestImages.root(1, List.of(key), Set.of());
  // The test images are made at TestImages.NOW: a clock running from there.
  final Clock clock =
      Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), TestImages.NOW));
  final List<UpdateStatus> published = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    exec.shutdownNow();
  }

  @Test
  void aSignedImageIsVerifiedStagedWithItsSelfTestsAndCommitted() throws Exception {
    ImageStore store = ImageStore.open(tmp);
    FakePort port = new FakePort();
    DeviceUpdater u = new DeviceUpdater(store, port, published::add, QUICK, exec, clock);
    byte[] file =
        TestImages.signed(
            TestImages.unsigned(TestImages.header("plant", 3), "pump", "deadband"), key);
    UpdateStatus s =
        u.installFile(file, "plant.rimg", root, TestImages.GATEWAY)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    assertEquals(UpdateState.COMMITTED, s.state(), s.detail());
    SlotImage slot = store.read(Slot.A).orElseThrow();
    assertEquals(List.of("pump", "deadband"), slot.rules());
    assertArrayEquals(file, slot.extras().get(SlotImages.IMAGE_FILE));
    assertArrayEquals(
        Files.readAllBytes(TestImages.EXAMPLES.resolve("pump.events.jsonl")),
        slot.extras().get(SlotImages.selfTestEvents("pump")));
    assertEquals(3, store.pointer().floor());
    assertTrue(u.timeFloor().orElseThrow().compareTo(TestImages.NOW) >= 0, "time floor kept");

    // A tampered copy is refused before anything is staged, with the verifier's reason.
    byte[] tampered = file.clone();
    tampered[tampered.length / 2] ^= 1;
    UpdateStatus t =
        u.installFile(tampered, "plant.rimg", root, TestImages.GATEWAY)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    assertEquals(UpdateState.REJECTED, t.state());
    assertTrue(t.detail().startsWith("plant.rimg not verified: "), t.detail());
    assertNull(t.image());
    assertEquals("3", String.valueOf(t.running().securityVersion()));
  }
}
