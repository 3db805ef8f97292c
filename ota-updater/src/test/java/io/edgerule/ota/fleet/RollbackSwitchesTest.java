package io.edgerule.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.ota.image.TestImages;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rollback switch is verified like an image: distinct trusted keys, threshold, expiry. */
class RollbackSwitchesTest {
  final Signer a = TestImages.newSigner("a");
  final Signer b = TestImages.newSigner("b");
  final TrustRoot root2 = TestImages.root(2, List.of(a, b), Set.of());
  final RollbackSwitch cmd =
      new RollbackSwitch(
          "rb-1",
          "plant-2.1.0",
          Rollouts.IMAGE,
          List.of("gw-1", "gw-2"),
          TestImages.NOW.minusSeconds(60),
          TestImages.NOW.plusSeconds(86_400),
          "pump traps");

  @Test
  void aSwitchSignedByTheThresholdVerifiesAndRoundTrips() throws Exception {
    byte[] env = RollbackSwitches.unsigned(cmd).signedBy(a).signedBy(b).bytes();
    RollbackSwitch back = RollbackSwitches.verify(env, "t", root2, TestImages.NOW);
    assertEquals(cmd, back);
    assertTrue(back.covers("gw-1"));
    assertFalse(back.covers("gw-3"));
  }

  @Test
  void refusesTooFewDistinctKeysAndSaysSo() throws Exception {
    // a signing twice is one key
    var once = RollbackSwitches.unsigned(cmd).signedBy(a);
    var twice =
        new RollbackSwitches.Envelope(
            cmd, once.payload(), List.of(once.signatures().get(0), once.signatures().get(0)));
    TrustException e =
        assertThrows(
            TrustException.class,
            () -> RollbackSwitches.verify(twice.bytes(), "t", root2, TestImages.NOW));
    assertEquals(TrustException.Reason.THRESHOLD_NOT_MET, e.reason());
    assertTrue(e.getMessage().contains("signed by 1 distinct trusted key"), e.getMessage());
  }

  @Test
  void refusesAChangedPayloadAnUnknownKeyAndAnotherDocumentsSignature() throws Exception {
    TrustRoot root1 = TestImages.root(1, List.of(a), Set.of());
    var env = RollbackSwitches.unsigned(cmd).signedBy(a);
    // The payload edited after signing: the whole fleet instead of two gateways.
    String edited =
        new String(env.payload(), StandardCharsets.UTF_8).replace("[\"gw-1\",\"gw-2\"]", "[]");
    var tampered =
        new RollbackSwitches.Envelope(
            cmd, edited.getBytes(StandardCharsets.UTF_8), env.signatures());
    assertEquals(
        TrustException.Reason.BAD_SIGNATURE,
        assertThrows(
                TrustException.class,
                () -> RollbackSwitches.verify(tampered.bytes(), "t", root1, TestImages.NOW))
            .reason());
    var byStranger = RollbackSwitches.unsigned(cmd).signedBy(TestImages.newSigner("x"));
    assertEquals(
        TrustException.Reason.UNKNOWN_KEY,
        assertThrows(
                TrustException.class,
                () -> RollbackSwitches.verify(byStranger.bytes(), "t", root1, TestImages.NOW))
            .reason());
    // A signature over the same bytes as an image manifest does not pass for a switch's.
    byte[] asImage = a.sign(Pae.encode(Pae.IMAGE_TYPE, env.payload()));
    var crossType =
        new RollbackSwitches.Envelope(
            cmd, env.payload(), List.of(new SignatureEntry(a.publicKey().id(), asImage)));
    assertEquals(
        TrustException.Reason.BAD_SIGNATURE,
        assertThrows(
                TrustException.class,
                () -> RollbackSwitches.verify(crossType.bytes(), "t", root1, TestImages.NOW))
            .reason());
  }

  @Test
  void refusesAnExpiredSwitchAndAMalformedOne() throws Exception {
    TrustRoot root1 = TestImages.root(1, List.of(a), Set.of());
    byte[] env = RollbackSwitches.unsigned(cmd).signedBy(a).bytes();
    TrustException e =
        assertThrows(
            TrustException.class,
            () -> RollbackSwitches.verify(env, "t", root1, TestImages.NOW.plusSeconds(90_000)));
    assertEquals(TrustException.Reason.EXPIRED, e.reason());
    byte[] bad =
        new String(env, StandardCharsets.UTF_8)
            .replace("vnd.edgerule.rollback", "vnd.edgerule.image")
            .getBytes(StandardCharsets.UTF_8);
    TrustException m =
        assertThrows(
            TrustException.class, () -> RollbackSwitches.verify(bad, "t", root1, TestImages.NOW));
    assertEquals(TrustException.Reason.MALFORMED, m.reason());
    assertTrue(m.getMessage().startsWith("t: payloadType: "), m.getMessage());
  }

  @Test
  void aSwitchHaltsItsRolloutButNotOneCreatedAfterIt() {
    Rollout r = Rollouts.running(0, Rollouts.wave(100));
    Rollout before =
        new Rollout(
            r.id(),
            3,
            r.image(),
            RolloutState.RUNNING,
            0,
            false,
            r.waves(),
            TestImages.NOW.minusSeconds(3600),
            TestImages.NOW,
            TestImages.NOW,
            "");
    assertTrue(cmd.halts(before));
    Rollout later =
        new Rollout(
            "plant-2.1.0",
            9,
            Rollouts.IMAGE,
            RolloutState.RUNNING,
            0,
            false,
            r.waves(),
            TestImages.NOW,
            TestImages.NOW,
            TestImages.NOW,
            "");
    assertFalse(cmd.halts(later));
  }
}
