package io.edgerule.ota.trust;

import static io.edgerule.ota.image.TestImages.NOW;
import static io.edgerule.ota.image.TestImages.newSigner;
import static io.edgerule.ota.image.TestImages.root;
import static io.edgerule.ota.image.TestImages.signRoot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustStoreTest {
  @TempDir Path dir;
  private final Signer a = newSigner("a");
  private final Signer b = newSigner("b");

  private TrustRoot v(long version, List<Signer> keys, List<Signer> signers) {
    return signRoot(
        TrustRoot.unsigned(
            new TrustRoot.Content(
                version,
                NOW.plus(Duration.ofDays(365)),
                1,
                1,
                keys.stream().map(Signer::publicKey).toList(),
                Set.of())),
        signers);
  }

  @Test
  void aStoreKeepsTheProvisionedRootAndMovesOnlyAlongTheChain() throws Exception {
    Path file = dir.resolve("trust/root.json");
    TrustRoot v1 = root(1, List.of(a), Set.of());
    TrustStore store = TrustStore.open(file, v1.envelope());
    assertEquals(1, store.current().version());
    TrustRoot v2 = v(2, List.of(b), List.of(a, b));
    TrustRoot v3 = v(3, List.of(b), List.of(b));
    assertEquals(3, store.update(List.of(v2.envelope(), v3.envelope()), NOW).version());
    // reopened: the stored root, not the provisioned one
    assertEquals(3, TrustStore.open(file, v1.envelope()).current().version());
    assertArrayEquals(v3.envelope(), Files.readAllBytes(file));

    // a root v4 signed only by a (no longer trusted) is refused and nothing changes
    TrustRoot v4 = v(4, List.of(a), List.of(a));
    TrustException e =
        assertThrows(TrustException.class, () -> store.update(List.of(v4.envelope()), NOW));
    assertEquals(TrustException.Reason.UNKNOWN_KEY, e.reason());
    assertEquals(3, store.current().version());
    assertArrayEquals(v3.envelope(), Files.readAllBytes(file));
  }
}
