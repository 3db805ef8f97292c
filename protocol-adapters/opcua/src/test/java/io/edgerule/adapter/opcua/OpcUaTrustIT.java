package io.edgerule.adapter.opcua;

import static io.edgerule.adapter.opcua.Fixtures.COUNTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.opcua.internal.Certificates;
import io.edgerule.sim.opcua.OpcUaSimulator;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Untrusted certificates on either side are refused with a message that says what to do, and
 * accepted once trusted - without restarting the gateway.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a net for a hang, not a speed check
class OpcUaTrustIT {
  static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void anUntrustedServerIsRejectedInPlainWordsThenTrustedByThumbprint() throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(true).start();
        TestContext ctx = new TestContext()) {
      String thumbprint = Certificates.thumbprint(sim.certificate());
      RecordingSink sink = new RecordingSink();
      try (ProtocolAdapter adapter =
          Fixtures.adapter(
              Fixtures.device(
                  sim.endpointUrl(),
                  SecurityPolicyName.BASIC256SHA256,
                  SecurityMode.SIGN_AND_ENCRYPT,
                  null,
                  Duration.ofSeconds(3)),
              ctx)) {
        adapter.start(sink);
        PointSample bad = sink.await(s -> !s.quality().isGood(), WAIT);
        String reason = bad.quality().reason();
        assertTrue(
            reason.startsWith(
                "server certificate not trusted: CN=edgerule OPC-UA plant simulator, O=edgerule,"
                    + " thumbprint "
                    + thumbprint),
            reason);
        assertTrue(reason.contains("run `edgerule opcua trust " + thumbprint + "`"), reason);
        assertFalse(reason.contains("trustAnchors"), reason);
        assertEquals(reason, adapter.health().devices().get(0).lastError());

        // the certificate waits in rejected/ for a decision
        OpcUaPki pki = ctx.pki();
        List<CertificateInfo> rejected = pki.rejected();
        assertEquals(1, rejected.size(), rejected.toString());
        assertEquals(thumbprint, rejected.get(0).thumbprint());
        assertEquals("urn:edgerule:sim:opcua-plant", rejected.get(0).applicationUri());
        assertTrue(Files.isRegularFile(rejected.get(0).file()));

        // what `edgerule opcua trust <first 10 digits>` does; the running adapter picks it up
        int from = sink.size();
        CertificateInfo trusted = pki.trust(thumbprint.substring(0, 10));
        assertEquals(thumbprint, trusted.thumbprint());
        assertTrue(pki.rejected().isEmpty());
        sink.await(from, s -> s.point().equals(COUNTER) && s.quality().isGood(), WAIT);
      }
    }
  }

  @Test
  void aServerThatDoesNotTrustTheGatewaySaysWhichCertificateToTrust() throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(false).start();
        TestContext ctx = new TestContext()) {
      OpcUaPki pki = ctx.pki();
      pki.trustCertificate(sim.certificate());
      CertificateInfo own = pki.ownCertificate();
      RecordingSink sink = new RecordingSink();
      try (ProtocolAdapter adapter =
          Fixtures.adapter(
              Fixtures.device(
                  sim.endpointUrl(),
                  SecurityPolicyName.AES256_SHA256_RSAPSS,
                  SecurityMode.SIGN_AND_ENCRYPT,
                  null,
                  Duration.ofSeconds(3)),
              ctx)) {
        adapter.start(sink);
        String reason = sink.await(s -> !s.quality().isGood(), WAIT).quality().reason();
        assertTrue(
            reason.startsWith(
                "the server refused the gateway's certificate (Bad_SecurityChecksFailed)"),
            reason);
        assertTrue(reason.contains(own.describe()), reason);
        assertTrue(reason.contains(own.file().toString()), reason);

        // the server administrator accepts the gateway's certificate from the rejected list
        assertEquals(1, sim.rejectedClientCertificates().size());
        assertEquals(
            own.thumbprint(), Certificates.thumbprint(sim.rejectedClientCertificates().get(0)));
        int from = sink.size();
        sim.trustRejectedClientCertificates();
        sink.await(from, s -> s.point().equals(COUNTER) && s.quality().isGood(), WAIT);
      }
    }
  }

  @Test
  void theApplicationCertificateIsCreatedOnceAndKept() throws Exception {
    try (TestContext ctx = new TestContext()) {
      CertificateInfo first = ctx.pki().ownCertificate();
      CertificateInfo again = OpcUaPki.open(ctx.stateDirectory).ownCertificate();
      assertEquals(first.thumbprint(), again.thumbprint());
      assertTrue(
          first.file().startsWith(ctx.stateDirectory.resolve("opcua/pki/own")), first.toString());
      assertTrue(first.applicationUri().startsWith("urn:"), first.applicationUri());
    }
  }
}
