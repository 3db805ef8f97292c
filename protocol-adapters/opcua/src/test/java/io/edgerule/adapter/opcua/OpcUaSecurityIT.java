package io.edgerule.adapter.opcua;

import static io.edgerule.adapter.opcua.Fixtures.COUNTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.sim.opcua.OpcUaSimulator;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every security policy and mode, and every kind of user identity, against one simulator that
 * trusts the gateway's certificate (and that the gateway trusts) - like a commissioned plant.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a net for a hang, not a speed check
class OpcUaSecurityIT {
  static final Duration WAIT = Duration.ofSeconds(15);
  static OpcUaSimulator sim;
  static TestContext ctx;

  @BeforeAll
  static void start() throws Exception {
    sim = OpcUaSimulator.builder().user("gateway", "s3cret pass").start();
    ctx = new TestContext();
    OpcUaPki pki = ctx.pki();
    pki.trustCertificate(sim.certificate());
    sim.trustClientCertificate(pki.applicationCertificate().certificate());
  }

  @AfterAll
  static void stop() throws Exception {
    sim.close();
    ctx.close();
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
    "NONE, NONE",
    "BASIC256SHA256, SIGN",
    "BASIC256SHA256, SIGN_AND_ENCRYPT",
    "AES128_SHA256_RSAOAEP, SIGN",
    "AES128_SHA256_RSAOAEP, SIGN_AND_ENCRYPT",
    "AES256_SHA256_RSAPSS, SIGN",
    "AES256_SHA256_RSAPSS, SIGN_AND_ENCRYPT"
  })
  void everyPolicyAndModeDeliversData(SecurityPolicyName policy, SecurityMode mode)
      throws Exception {
    assertGoodData(Fixtures.device(sim.endpointUrl(), policy, mode, null, Duration.ofSeconds(3)));
  }

  @Test
  void usernameAndPasswordOverAnEncryptedChannel() throws Exception {
    assertGoodData(
        Fixtures.device(
            sim.endpointUrl(),
            SecurityPolicyName.BASIC256SHA256,
            SecurityMode.SIGN_AND_ENCRYPT,
            OpcUaIdentity.user("gateway", "s3cret pass"),
            Duration.ofSeconds(3)));
  }

  @Test
  void usernameFromAPasswordFileOnAnUnsecuredEndpoint() throws Exception {
    // on a None endpoint the password is still encrypted with the (trusted) server certificate
    Path file = ctx.stateDirectory.resolve("pw.txt");
    Files.writeString(file, "secret\n");
    assertGoodData(
        Fixtures.device(
            sim.endpointUrl(),
            SecurityPolicyName.NONE,
            SecurityMode.NONE,
            new OpcUaIdentity(null, "operator", null, file, null, null),
            Duration.ofSeconds(3)));
  }

  @Test
  void aWrongPasswordIsReportedAsSuch() throws Exception {
    String reason =
        firstBadReason(
            Fixtures.device(
                sim.endpointUrl(),
                SecurityPolicyName.BASIC256SHA256,
                SecurityMode.SIGN_AND_ENCRYPT,
                OpcUaIdentity.user("gateway", "wrong"),
                Duration.ofSeconds(3)));
    assertTrue(
        reason.contains("refused the user identity (username gateway)") && reason.contains("Bad_"),
        reason);
    assertFalse(reason.contains("wrong"), "the password never appears: " + reason);
  }

  @Test
  void x509UserIdentity() throws Exception {
    KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate user =
        new SelfSignedCertificateBuilder(keys)
            .setCommonName("maintenance user")
            .setApplicationUri("urn:edgerule:test:user")
            .build();
    Path certFile = ctx.stateDirectory.resolve("user.der");
    Path keyFile = ctx.stateDirectory.resolve("user.pem");
    Files.write(certFile, user.getEncoded());
    Files.writeString(
        keyFile,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    OpcUaDeviceConfig device =
        Fixtures.device(
            sim.endpointUrl(),
            SecurityPolicyName.AES128_SHA256_RSAOAEP,
            SecurityMode.SIGN_AND_ENCRYPT,
            OpcUaIdentity.x509(certFile, keyFile),
            Duration.ofSeconds(3));

    String refused = firstBadReason(device);
    assertTrue(refused.contains("refused the user identity (x509 "), refused);

    sim.allowUserCertificate(user);
    assertGoodData(device);
    assertTrue(new BigInteger(1, user.getEncoded()).signum() > 0);
  }

  @Test
  void aPolicyTheServerDoesNotOfferIsNamedWithWhatItOffers() throws Exception {
    try (OpcUaSimulator noAnonymous =
        OpcUaSimulator.builder().allowAnonymous(false).trustAllClients(true).start()) {
      ctx.pki().trustCertificate(noAnonymous.certificate());
      String reason =
          firstBadReason(
              Fixtures.device(
                  noAnonymous.endpointUrl(),
                  SecurityPolicyName.BASIC256SHA256,
                  SecurityMode.SIGN,
                  null,
                  Duration.ofSeconds(3)));
      assertEquals(
          "the server's Basic256Sha256/Sign endpoint does not accept anonymous users; it accepts:"
              + " username/password, X.509 certificate",
          reason);
    }
  }

  static void assertGoodData(OpcUaDeviceConfig device) throws Exception {
    RecordingSink sink = new RecordingSink();
    try (ProtocolAdapter adapter = Fixtures.adapter(device, ctx)) {
      adapter.start(sink);
      PointSample s = sink.await(x -> x.point().equals(COUNTER) && x.quality().isGood(), WAIT);
      assertTrue(s.value() != null);
      assertTrue(sink.all().stream().noneMatch(x -> !x.quality().isGood()), sink.all().toString());
    }
  }

  static String firstBadReason(OpcUaDeviceConfig device) throws Exception {
    RecordingSink sink = new RecordingSink();
    try (ProtocolAdapter adapter = Fixtures.adapter(device, ctx)) {
      adapter.start(sink);
      return sink.await(x -> !x.quality().isGood(), WAIT).quality().reason();
    }
  }
}
