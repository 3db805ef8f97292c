package io.edgerule.ota.trust;

import static io.edgerule.ota.image.Messages.assertContains;
import static io.edgerule.ota.image.TestImages.NOW;
import static io.edgerule.ota.image.TestImages.keys;
import static io.edgerule.ota.image.TestImages.newSigner;
import static io.edgerule.ota.image.TestImages.root;
import static io.edgerule.ota.image.TestImages.signRoot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RootChainTest {
  private final Signer a = newSigner("a");
  private final Signer b = newSigner("b");
  private final Signer c = newSigner("c");
  private final Signer d = newSigner("d");
  private final TrustRoot v1 = root(2, List.of(a, b, c), Set.of());

  private TrustRoot next(
      long version, int threshold, List<Signer> trusted, Set<KeyId> revoked, List<Signer> signers) {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                version,
                NOW.plus(Duration.ofDays(365)),
                threshold,
                threshold,
                trusted.stream().map(Signer::publicKey).toList(),
                revoked));
    return signRoot(r, signers);
  }

  @Test
  void aRootSignedByAThresholdOfTheOldAndOfItsOwnKeysIsAccepted() throws Exception {
    // v2 drops a, adds d; signed by b, c (old threshold) and c, d (own threshold)
    TrustRoot v2 = next(2, 2, List.of(b, c, d), Set.of(), List.of(b, c, d));
    TrustRoot v3 = next(3, 2, List.of(c, d), Set.of(b.publicKey().id()), List.of(c, d));
    TrustRoot now = RootChain.advance(v1, List.of(v2, v3), NOW);
    assertEquals(3, now.version());
    // survives the envelope round trip with its exact payload bytes
    TrustRoot reread = TrustRoot.parse(now.envelope(), "root.json");
    assertArrayEquals(v3.payload(), reread.payload());
    assertEquals(Set.of(b.publicKey().id()), reread.revoked());
  }

  @Test
  void aRootNotSignedByTheOldThresholdIsRefused() {
    TrustRoot v2 = next(2, 1, List.of(d), Set.of(), List.of(a, d)); // only one old key signed
    TrustException e =
        assertThrows(TrustException.class, () -> RootChain.advance(v1, List.of(v2), NOW));
    // d is new to v1: its signature does not count, and the refusal names it
    assertEquals(TrustException.Reason.UNKNOWN_KEY, e.reason());
    assertContains(
        e.getMessage(),
        "root v2 (by the keys of root v1)",
        "signed by 1 distinct trusted key",
        "requires 2");
  }

  @Test
  void aRootItsOwnKeysDidNotSignIsRefused() {
    TrustRoot v2 = next(2, 1, List.of(d), Set.of(), List.of(a, b));
    TrustException e =
        assertThrows(TrustException.class, () -> RootChain.advance(v1, List.of(v2), NOW));
    assertContains(e.getMessage(), "root v2 (by its own keys)");
  }

  @Test
  void skippingOrRepeatingAVersionIsRefused() {
    TrustRoot v3 = next(3, 2, List.of(a, b, c), Set.of(), List.of(a, b, c));
    TrustException e =
        assertThrows(TrustException.class, () -> RootChain.advance(v1, List.of(v3), NOW));
    assertEquals(TrustException.Reason.BAD_ROTATION, e.reason());
    assertContains(e.getMessage(), "root v3 does not follow root v1", "must be v2");
    TrustRoot v1again = next(1, 2, List.of(a, b, c), Set.of(), List.of(a, b, c));
    assertEquals(
        TrustException.Reason.BAD_ROTATION,
        assertThrows(TrustException.class, () -> RootChain.advance(v1, List.of(v1again), NOW))
            .reason());
  }

  @Test
  void aRevokedKeyCannotVouchForTheRootThatRevokesIt() {
    // v2 revokes a; a and b sign for the old threshold: a counts for nothing, so one old key
    TrustRoot v2 = next(2, 1, List.of(b, c), Set.of(a.publicKey().id()), List.of(a, b));
    TrustException e =
        assertThrows(TrustException.class, () -> RootChain.advance(v1, List.of(v2), NOW));
    assertEquals(TrustException.Reason.REVOKED_KEY, e.reason());
    // v2 revokes a, not v1 (whose keys count here): the refusal names the root that revokes it
    assertContains(
        e.getMessage(),
        "root v1 requires 2",
        "(key " + a.publicKey().id().shortHex() + ") is by a key root v2 revokes");
    assertFalse(e.getMessage().contains("root v1 revokes"), e.getMessage());
  }

  @Test
  void aKeyTheTrustedRootRevokedIsNamedAsRevokedByIt() {
    // v2 revokes a; v3 keeps the revocation and is signed by a and b: the refusal names v2
    TrustRoot v2 = next(2, 2, List.of(b, c, d), Set.of(a.publicKey().id()), List.of(b, c, d));
    TrustRoot v3 = next(3, 2, List.of(b, c, d), Set.of(a.publicKey().id()), List.of(a, b));
    TrustException e =
        assertThrows(TrustException.class, () -> RootChain.advance(v1, List.of(v2, v3), NOW));
    assertEquals(TrustException.Reason.REVOKED_KEY, e.reason());
    assertContains(
        e.getMessage(), "root v3 (by the keys of root v2)", "is by a key root v2 revokes");
  }

  @Test
  void aRootThatDropsARevocationIsRefused() {
    TrustRoot v2 = next(2, 2, List.of(b, c, d), Set.of(a.publicKey().id()), List.of(b, c, d));
    TrustRoot v3 = next(3, 2, List.of(b, c, d), Set.of(), List.of(b, c, d));
    TrustException e =
        assertThrows(TrustException.class, () -> RootChain.advance(v1, List.of(v2, v3), NOW));
    assertEquals(TrustException.Reason.BAD_ROTATION, e.reason());
    assertContains(
        e.getMessage(), "root v3 drops the revocation of key " + a.publicKey().id().shortHex());
  }

  @Test
  void anExpiredLastRootIsRefusedButExpiredIntermediatesAreWalked() throws Exception {
    TrustRoot v2 = next(2, 2, List.of(a, b, c), Set.of(), List.of(a, b, c));
    TrustException e =
        assertThrows(
            TrustException.class,
            () -> RootChain.advance(v1, List.of(v2), NOW.plus(Duration.ofDays(400))));
    assertEquals(TrustException.Reason.EXPIRED, e.reason());
    // v1 expired long ago, but v2 is fresh at that time: the chain is walked
    TrustRoot v2late =
        signRoot(
            TrustRoot.unsigned(
                new TrustRoot.Content(
                    2, NOW.plus(Duration.ofDays(800)), 2, 2, keys(a, b, c), Set.of())),
            List.of(a, b, c));
    assertEquals(
        2, RootChain.advance(v1, List.of(v2late), NOW.plus(Duration.ofDays(400))).version());
  }

  @Test
  void aTamperedRootFileIsRefused() throws Exception {
    byte[] env = v1.envelope();
    String s = new String(env, java.nio.charset.StandardCharsets.UTF_8);
    // swap the payload for another root's: its signatures no longer match
    TrustRoot other = next(1, 1, List.of(d), Set.of(), List.of());
    String payload = java.util.Base64.getEncoder().encodeToString(v1.payload());
    String forged =
        s.replace(payload, java.util.Base64.getEncoder().encodeToString(other.payload()));
    TrustException e =
        assertThrows(
            TrustException.class,
            () ->
                TrustRoot.parse(
                    forged.getBytes(java.nio.charset.StandardCharsets.UTF_8), "root.json"));
    assertContains(e.getMessage(), "root.json (root v1)");
    TrustException dup =
        assertThrows(
            TrustException.class,
            () ->
                TrustRoot.parse(
                    "{\"payloadType\":\"x\",\"payloadType\":\"y\"}".getBytes(), "root.json"));
    assertEquals(TrustException.Reason.MALFORMED, dup.reason());
    assertContains(dup.getMessage(), "root.json", "Duplicate field");
  }
}
