package io.edgerule.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.TlsConfig;
import io.edgerule.mqtt.testing.TestPki;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
  @TempDir Path dir;

  @Test
  void readsPkcs8Pkcs1AndSec1Keys() throws Exception {
    KeyPair ec = TestPki.ecKeys();
    KeyPair rsa = TestPki.rsaKeys();
    Path pkcs8 = TestPki.writePkcs8(dir.resolve("ec8.pem"), ec.getPrivate());
    Path sec1 = TestPki.writeTraditional(dir.resolve("ec1.pem"), ec.getPrivate());
    Path pkcs1 = TestPki.writeTraditional(dir.resolve("rsa1.pem"), rsa.getPrivate());
    assertTrue(Files.readString(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----"));
    assertTrue(Files.readString(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----"));
    assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));

    assertSameKey(ec.getPrivate(), PemFiles.privateKey(pkcs8, null, "key"));
    assertSameKey(ec.getPrivate(), PemFiles.privateKey(sec1, null, "key"));
    assertSameKey(rsa.getPrivate(), PemFiles.privateKey(pkcs1, null, "key"));
  }

  @Test
  void readsAnEncryptedPkcs8KeyWithItsPasswordAndNamesTheFileOtherwise() throws Exception {
    KeyPair ec = TestPki.ecKeys();
    Path file =
        TestPki.writeEncryptedPkcs8(
            dir.resolve("enc.pem"), ec.getPrivate(), "s3cret".toCharArray());
    assertSameKey(ec.getPrivate(), PemFiles.privateKey(file, "s3cret".toCharArray(), "key"));

    IOException none =
        assertThrows(IOException.class, () -> PemFiles.privateKey(file, null, "tls.client_key"));
    assertEquals(
        "tls.client_key " + file + ": the key is encrypted but no key password is configured",
        none.getMessage());
    IOException wrong =
        assertThrows(
            IOException.class,
            () -> PemFiles.privateKey(file, "nope".toCharArray(), "tls.client_key"));
    assertTrue(
        wrong.getMessage().startsWith("tls.client_key " + file + ": cannot decrypt the key"),
        wrong.getMessage());
  }

  @Test
  void namesTheFileWhenItIsMissingOrHoldsNoKeyOrCertificate() throws Exception {
    Path missing = dir.resolve("missing.pem");
    IOException e1 =
        assertThrows(IOException.class, () -> PemFiles.certificates(missing, "tls.ca_file"));
    assertEquals("tls.ca_file " + missing + ": no such file", e1.getMessage());

    TestPki.Issued ca = TestPki.ca("Test CA");
    Path certOnly = TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate());
    IOException e2 =
        assertThrows(
            IOException.class, () -> PemFiles.privateKey(certOnly, null, "tls.client_key"));
    assertTrue(e2.getMessage().startsWith("tls.client_key " + certOnly + ": no private key in it"));

    Path keyOnly = TestPki.writePkcs8(dir.resolve("k.pem"), ca.privateKey());
    IOException e3 =
        assertThrows(IOException.class, () -> PemFiles.certificates(keyOnly, "tls.ca_file"));
    assertTrue(e3.getMessage().startsWith("tls.ca_file " + keyOnly + ": no certificate in it"));

    assertEquals(List.of(ca.certificate()), PemFiles.certificates(certOnly, "tls.ca_file"));
  }

  @Test
  void refusesAKeyThatDoesNotBelongToTheCertificate() throws Exception {
    TestPki.Issued ca = TestPki.ca("Test CA");
    TestPki.Issued client = TestPki.client(ca, "client", TestPki.ecKeys());
    Path cert = TestPki.writeCertificates(dir.resolve("client.pem"), client.certificate());
    Path otherKey = TestPki.writePkcs8(dir.resolve("other.key"), TestPki.ecKeys().getPrivate());
    Path caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate());
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                TlsContexts.socketFactory(
                    TlsConfig.trusting(caFile).withClientCertificate(cert, otherKey), "localhost"));
    assertEquals(
        "tls.client_key "
            + otherKey
            + " does not belong to tls.client_certificate "
            + cert
            + " (CN=client)",
        e.getMessage());
  }

  private static void assertSameKey(PrivateKey expected, PrivateKey actual) {
    assertEquals(expected.getAlgorithm(), actual.getAlgorithm());
    // PKCS#8 encodings may differ in optional fields (SEC1's public key); compare the secret.
    if (expected instanceof java.security.interfaces.ECPrivateKey e) {
      assertEquals(e.getS(), ((java.security.interfaces.ECPrivateKey) actual).getS());
    } else {
      assertArrayEquals(
          ((java.security.interfaces.RSAPrivateKey) expected).getPrivateExponent().toByteArray(),
          ((java.security.interfaces.RSAPrivateKey) actual).getPrivateExponent().toByteArray());
    }
  }
}
