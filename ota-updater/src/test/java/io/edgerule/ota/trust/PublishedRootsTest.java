package io.edgerule.ota.trust;

import static io.edgerule.ota.image.Messages.assertContains;
import static io.edgerule.ota.image.TestImages.NOW;
import static io.edgerule.ota.image.TestImages.newSigner;
import static io.edgerule.ota.image.TestImages.root;
import static io.edgerule.ota.image.TestImages.signRoot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fleet's chain of trust roots: its wire form, and the checks made before it is published. */
class PublishedRootsTest {
  private final Signer a = newSigner("a");
  private final Signer b = newSigner("b");
  private final Signer c = newSigner("c");
  private final TrustRoot v1 = root(1, List.of(a, b), Set.of());

  private static TrustRoot next(
      long version, Instant expires, List<Signer> keys, Set<KeyId> revoked, List<Signer> signers) {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                version, expires, 1, 1, keys.stream().map(Signer::publicKey).toList(), revoked));
    return signRoot(r, signers);
  }

  private TrustRoot v2() {
    return next(
        2,
        NOW.plus(Duration.ofDays(365)),
        List.of(b, c),
        Set.of(a.publicKey().id()),
        List.of(b, c));
  }

  @Test
  void theChainSurvivesItsWireFormWithTheExactPayloadBytes() throws Exception {
    TrustRoot v2 = v2();
    PublishedRoots chain = PublishedRoots.empty().extend(List.of(v2), Optional.of(v1), NOW);
    PublishedRoots read = PublishedRoots.read(chain.toJson(), "edgerule/fleet/trust");
    assertEquals(1, read.roots().size());
    assertArrayEquals(v2.payload(), read.roots().get(0).payload());
    assertEquals(v2.signatures().size(), read.roots().get(0).signatures().size());
    assertEquals(List.of(), read.after(2));
    assertEquals(2, read.after(1).get(0).version());
    assertEquals("v2..v2 (1 root)", read.describe());
  }

  @Test
  void publishingTheSameRootAgainChangesNothingAndAnotherV2IsRefused() throws Exception {
    TrustRoot v2 = v2();
    PublishedRoots chain = PublishedRoots.empty().extend(List.of(v1, v2), Optional.of(v1), NOW);
    assertEquals("v1..v2 (2 roots)", chain.describe());
    PublishedRoots again = chain.extend(List.of(v2), Optional.empty(), NOW);
    assertArrayEquals(chain.toJson(), again.toJson());

    TrustRoot other =
        next(2, NOW.plus(Duration.ofDays(300)), List.of(b), Set.of(), List.of(b)); // other bytes
    TrustException e =
        assertThrows(
            TrustException.class, () -> chain.extend(List.of(other), Optional.empty(), NOW));
    assertEquals(TrustException.Reason.BAD_ROTATION, e.reason());
    assertContains(e.getMessage(), "root v2 is published already with other content", "make v3");
  }

  @Test
  void aRootTheGatewaysWouldRefuseIsNeverAppended() {
    PublishedRoots empty = PublishedRoots.empty();
    // signed only by the new key: not by a threshold of v1's keys
    TrustRoot forged = next(2, NOW.plus(Duration.ofDays(9)), List.of(c), Set.of(), List.of(c));
    TrustException f =
        assertThrows(
            TrustException.class, () -> empty.extend(List.of(forged), Optional.of(v1), NOW));
    assertEquals(TrustException.Reason.UNKNOWN_KEY, f.reason());
    assertContains(f.getMessage(), "root v2 (by the keys of root v1)");

    TrustRoot v3 = next(3, NOW.plus(Duration.ofDays(9)), List.of(b), Set.of(), List.of(b));
    TrustException skip =
        assertThrows(TrustException.class, () -> empty.extend(List.of(v3), Optional.of(v1), NOW));
    assertEquals(TrustException.Reason.BAD_ROTATION, skip.reason());
    assertContains(skip.getMessage(), "root v3 does not follow root v1");

    TrustRoot expired = next(2, NOW.minusSeconds(1), List.of(b), Set.of(), List.of(b));
    TrustException old =
        assertThrows(
            TrustException.class, () -> empty.extend(List.of(expired), Optional.of(v1), NOW));
    assertEquals(TrustException.Reason.EXPIRED, old.reason());

    // without the gateways' root, the head of the chain must at least be signed by its own keys
    TrustRoot unsigned =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                2, NOW.plus(Duration.ofDays(9)), 1, 1, List.of(c.publicKey()), Set.of()));
    TrustException none =
        assertThrows(
            TrustException.class, () -> empty.extend(List.of(unsigned), Optional.empty(), NOW));
    assertContains(none.getMessage(), "root v2 (by its own keys)", "carries no signature");
  }

  @Test
  void aMalformedChainIsRefusedNamingWhere() {
    String bad = "{\"type\":\"edgerule-roots/v1\",\"roots\":[{\"payloadType\":\"x\"}],\"extra\":1}";
    TrustException e =
        assertThrows(
            TrustException.class,
            () ->
                PublishedRoots.read(bad.getBytes(StandardCharsets.UTF_8), "edgerule/fleet/trust"));
    assertEquals(TrustException.Reason.MALFORMED, e.reason());
    assertContains(e.getMessage(), "edgerule/fleet/trust: extra", "unknown key");

    String wrongType =
        "{\"type\":\"edgerule-roots/v1\",\"roots\":[{\"payloadType\":\"x\",\"payload\":\"\","
            + "\"signatures\":[]}]}";
    TrustException t =
        assertThrows(
            TrustException.class,
            () ->
                PublishedRoots.read(
                    wrongType.getBytes(StandardCharsets.UTF_8), "edgerule/fleet/trust"));
    assertContains(t.getMessage(), "roots[0].payloadType", "is not " + Pae.ROOT_TYPE);
  }
}
