package io.edgerule.daemon.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.config.OtaSection;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustException;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configured trust root is installed once; a newer one only along a signed rotation. */
class GatewayTrustTest {
  @TempDir Path tmp;
  final Instant now = Instant.now();
  final Signer a = SoftwareKeys.signer(SoftwareKeys.generate(), "a");
  final Signer b = SoftwareKeys.signer(SoftwareKeys.generate(), "b");

  TrustRoot root(long version, Signer key, Signer... signers) throws Exception {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                version, now.plus(Duration.ofDays(30)), 1, 1, List.of(key.publicKey()), Set.of()));
    for (Signer s : signers) {
      byte[] sig = s.sign(Pae.encode(Pae.ROOT_TYPE, r.payload()));
      r = r.withSignature(new SignatureEntry(s.publicKey().id(), sig));
    }
    return r;
  }

  Path configured(TrustRoot r) throws Exception {
    return Files.write(tmp.resolve("root.json"), r.envelope());
  }

  @Test
  void installedOnceThenReplacedOnlyAlongASignedRotation() throws Exception {
    Path state = tmp.resolve("state");
    assertEquals(1, GatewayTrust.open(state, configured(root(1, a, a)), now).current().version());
    // v2 by a new key, signed by the old root's key and its own: accepted.
    assertEquals(
        2, GatewayTrust.open(state, configured(root(2, b, a, b)), now).current().version());
    // The config goes back to v1: the kept v2 stays.
    assertEquals(2, GatewayTrust.open(state, configured(root(1, a, a)), now).current().version());
    // A v3 the kept root's key did not sign is refused, and v2 stays.
    Path forged = configured(root(3, a, a));
    TrustException e =
        assertThrows(TrustException.class, () -> GatewayTrust.open(state, forged, now));
    assertTrue(e.getMessage().contains("v3") || e.getMessage().contains("signed"), e.getMessage());
    assertEquals(
        2, GatewayTrust.open(state, configured(root(2, b, a, b)), now).current().version());
  }

  @Test
  void checkNamesAnUnusableRoot() throws Exception {
    Files.writeString(tmp.resolve("bad.json"), "{}");
    OtaSection ota =
        new OtaSection(
            true,
            tmp.resolve("bad.json"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    String why = GatewayTrust.fileProblem(ota, now);
    assertTrue(why != null && why.contains("bad.json"), why);
    assertEquals(
        null,
        GatewayTrust.fileProblem(
            new OtaSection(
                true,
                configured(root(1, a, a)),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null),
            now));
    assertTrue(
        GatewayTrust.fileProblem(
                new OtaSection(
                    true,
                    tmp.resolve("missing.json"),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null),
                now)
            .contains("cannot read"));
  }
}
