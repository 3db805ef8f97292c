package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.image.TestImages;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused image's REJECTED status names the image its manifest claims (marked unverified), so the
 * fleet sees which image was refused; a file whose manifest cannot be read has no image.
 */
class RefusedImageIdTest {
  private static final TrialPolicy QUICK =
      new TrialPolicy(Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(10), 3, 0, 0, 0.01);

  @TempDir Path tmp;
  final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
  final Signer trusted = TestImages.newSigner("release");
  final Signer stranger = TestImages.newSigner("stranger");
  final TrustRoot root = TestImages.root(1, List.of(trusted), Set.of());
  final Clock clock =
      Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), TestImages.NOW));

  @AfterEach
  void stop() {
    exec.shutdownNow();
  }

  private UpdateStatus install(DeviceUpdater u, byte[] file) throws Exception {
    return u.installFile(file, "plant.rimg", root, TestImages.GATEWAY)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @Test
  void theStatusNamesTheClaimedImageMarkedUnverified() throws Exception {
    DeviceUpdater u =
        new DeviceUpdater(ImageStore.open(tmp), new FakePort(), s -> {}, QUICK, exec, clock);
    byte[] unknownKey =
        TestImages.signed(TestImages.unsigned(TestImages.header("plant", 4), "pump"), stranger);
    UpdateStatus s = install(u, unknownKey);
    assertEquals(UpdateState.REJECTED, s.state());
    assertEquals(new ImageId("plant", "1.4.0", 4), s.image());
    assertTrue(s.detail().startsWith("plant.rimg not verified: UNKNOWN_KEY: "), s.detail());
    assertTrue(s.detail().endsWith(" (image id from its unverified manifest)"), s.detail());

    UpdateStatus garbage = install(u, "not an image at all".getBytes());
    assertEquals(UpdateState.REJECTED, garbage.state());
    assertNull(garbage.image(), "nothing can be read: no image named");
    assertTrue(
        garbage.detail().startsWith("plant.rimg not verified: ")
            && !garbage.detail().contains("unverified manifest"),
        garbage.detail());
  }
}
