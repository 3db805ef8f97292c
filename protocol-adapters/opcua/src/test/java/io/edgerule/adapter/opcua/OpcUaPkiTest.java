package io.edgerule.adapter.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.opcua.internal.Certificates;
import io.edgerule.adapter.opcua.internal.ServerCertificateValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpcUaPkiTest {
  static X509Certificate serverA;
  static X509Certificate serverB;
  TestContext ctx;
  OpcUaPki pki;

  @BeforeAll
  static void certificates() throws Exception {
    serverA = selfSigned("PLC A");
    serverB = selfSigned("PLC B");
  }

  static X509Certificate selfSigned(String cn) throws Exception {
    KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    return new SelfSignedCertificateBuilder(keys)
        .setCommonName(cn)
        .setOrganization("Plant")
        .setApplicationUri("urn:plant:" + cn.replace(' ', '-'))
        .build();
  }

  @BeforeEach
  void open() {
    ctx = new TestContext();
    pki = ctx.pki();
  }

  @AfterEach
  void close() throws Exception {
    ctx.close();
  }

  @Test
  void theUsualFolderLayout() {
    Path root = ctx.stateDirectory.resolve("opcua").resolve("pki");
    for (String dir :
        List.of(
            "own",
            "trusted/certs",
            "trusted/crl",
            "issuers/certs",
            "issuers/crl",
            "rejected/certs")) {
      assertTrue(Files.isDirectory(root.resolve(dir)), dir);
    }
    assertEquals(root.resolve("trusted/certs"), pki.trustedFolder());
  }

  @Test
  void ownCertificateIsCreatedOnceWithAPrivateKeyOnlyTheOwnerReads() throws Exception {
    CertificateInfo own = pki.ownCertificate();
    Path key = own.file().getParent().getParent().resolve("private/edgerule-gateway.pem");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertTrue(own.subject().startsWith("CN=edgerule gateway@"), own.subject());
    assertEquals(own, OpcUaPki.open(ctx.stateDirectory).ownCertificate());
  }

  @Test
  void anUntrustedServerIsRejectedInPlainWordsAndKept() throws Exception {
    ServerCertificateValidator validator = pki.serverCertificateValidator();
    UaException e =
        assertThrows(
            UaException.class,
            () -> validator.validateCertificateChain(List.of(serverA), null, null));
    assertEquals(StatusCodes.Bad_CertificateUntrusted, e.getStatusCode().value());
    String thumbprint = Certificates.thumbprint(serverA);
    assertEquals(
        "server certificate not trusted: CN=PLC A, O=Plant, thumbprint "
            + thumbprint
            + "; check the thumbprint with the server's administrator, then run `edgerule opcua"
            + " trust "
            + thumbprint
            + "` (it was saved to "
            + pki.rejectedFolder()
            + ")",
        e.getMessage());
    assertFalse(e.getMessage().contains("trustAnchors"));
    assertEquals(e.getMessage(), validator.lastProblem());
    assertEquals(
        List.of(thumbprint), pki.rejected().stream().map(CertificateInfo::thumbprint).toList());
    assertEquals(
        "PLC A [" + thumbprint + "].der", pki.rejected().get(0).file().getFileName().toString());
  }

  @Test
  void trustMovesARejectedCertificateByThumbprintOrUniquePrefix() throws Exception {
    ServerCertificateValidator validator = pki.serverCertificateValidator();
    for (X509Certificate c : List.of(serverA, serverB)) {
      assertThrows(
          UaException.class, () -> validator.validateCertificateChain(List.of(c), null, null));
    }
    assertEquals(2, pki.rejected().size());
    String a = Certificates.thumbprint(serverA);
    CertificateInfo trusted = pki.trust(a.substring(0, 8).toUpperCase());
    assertEquals(a, trusted.thumbprint());
    assertEquals(List.of(a), pki.trusted().stream().map(CertificateInfo::thumbprint).toList());
    assertEquals(1, pki.rejected().size());
    validator.validateCertificateChain(List.of(serverA), null, null);
    assertEquals(null, validator.lastProblem());

    // colon-separated, as some GUIs show thumbprints
    String b = Certificates.thumbprint(serverB);
    String colons = String.join(":", b.split("(?<=\\G..)"));
    assertEquals(b, pki.trust(colons).thumbprint());
    assertTrue(pki.rejected().isEmpty());
  }

  @Test
  void trustACertificateFile() throws Exception {
    Path file = ctx.stateDirectory.resolve("plc-b.der");
    Files.write(file, serverB.getEncoded());
    assertEquals(Certificates.thumbprint(serverB), pki.trust(file.toString()).thumbprint());
    assertTrue(pki.untrust(Certificates.thumbprint(serverB)));
    assertTrue(pki.trusted().isEmpty());
  }

  @Test
  void trustMistakesAreExplained() throws Exception {
    assertEquals(
        "no rejected certificate has thumbprint 0123456789; see `edgerule opcua certs`",
        assertThrows(IllegalArgumentException.class, () -> pki.trust("0123456789")).getMessage());
    assertEquals(
        "'abc' is neither a certificate file nor a thumbprint (at least 8 hex digits); see"
            + " `edgerule opcua certs`",
        assertThrows(IllegalArgumentException.class, () -> pki.trust("abc")).getMessage());
  }

  @Test
  void trustOfAMissingFileSaysItDoesNotExist() throws Exception {
    Path dir = ctx.stateDirectory;
    Path missing = dir.resolve("nonexistent.der");
    assertEquals(
        "certificate file " + missing + " does not exist",
        assertThrows(IllegalArgumentException.class, () -> pki.trust(missing.toString()))
            .getMessage());
    assertEquals(
        "certificate file plc.pem does not exist",
        assertThrows(IllegalArgumentException.class, () -> pki.trust("plc.pem")).getMessage());
    assertEquals(
        dir + " is a directory, not a certificate file",
        assertThrows(IllegalArgumentException.class, () -> pki.trust(dir.toString())).getMessage());
  }

  @Test
  void aTrustedButExpiredCertificateSaysSo() throws Exception {
    KeyPair keys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate expired =
        new SelfSignedCertificateBuilder(keys)
            .setCommonName("old PLC")
            .setValidityPeriod(java.time.Period.ofDays(-1))
            .build();
    pki.trustCertificate(expired);
    UaException e =
        assertThrows(
            UaException.class,
            () ->
                pki.serverCertificateValidator()
                    .validateCertificateChain(List.of(expired), null, null));
    assertTrue(
        e.getMessage().contains("is trusted but failed validation: Bad_CertificateTimeInvalid"),
        e.getMessage());
  }
}
