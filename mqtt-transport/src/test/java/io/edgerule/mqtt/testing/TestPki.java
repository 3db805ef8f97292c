package io.edgerule.mqtt.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/** Test certificates made with BouncyCastle: CAs, server and client certificates, PEM files. */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private TestPki() {}

  /** A certificate and the key pair it certifies. */
  public record Issued(X509Certificate certificate, KeyPair keys) {
    public PrivateKey privateKey() {
      return keys.getPrivate();
    }
  }

  public static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  public static KeyPair rsaKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, new SecureRandom());
    return g.generateKeyPair();
  }

  /** A self-signed CA valid from an hour ago for a year. */
  public static Issued ca(String commonName) throws GeneralSecurityException, IOException {
    KeyPair keys = ecKeys();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=" + commonName);
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(365))),
            name,
            keys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(
        Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    return new Issued(sign(b, keys.getPrivate()), keys);
  }

  /** A broker certificate valid now, naming {@code sans} ("localhost", "127.0.0.1", ...). */
  public static Issued server(Issued ca, String commonName, List<String> sans)
      throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    return leaf(
        ca,
        commonName,
        ecKeys(),
        sans,
        true,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)));
  }

  /** A client certificate valid now. */
  public static Issued client(Issued ca, String commonName, KeyPair keys)
      throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    return leaf(
        ca,
        commonName,
        keys,
        List.of(),
        false,
        now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)));
  }

  public static Issued leaf(
      Issued ca,
      String commonName,
      KeyPair keys,
      List<String> sans,
      boolean server,
      Instant notBefore,
      Instant notAfter)
      throws GeneralSecurityException, IOException {
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            ca.certificate(),
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            new X500Name("CN=" + commonName),
            keys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    int usage = KeyUsage.digitalSignature;
    if (keys.getPublic().getAlgorithm().equals("RSA")) {
      usage |= KeyUsage.keyEncipherment;
    }
    b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
    b.addExtension(
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(
            server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
    b.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        ext.createAuthorityKeyIdentifier(ca.certificate()));
    if (!sans.isEmpty()) {
      List<GeneralName> names = new ArrayList<>();
      for (String san : sans) {
        boolean ip = Character.isDigit(san.charAt(0)) && InetAddress.getByName(san) != null;
        names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, san));
      }
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(new GeneralName[0])));
    }
    return new Issued(sign(b, ca.privateKey()), keys);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      ContentSigner signer = new JcaContentSignerBuilder(alg).build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  // ---- PEM files ----

  public static Path writeCertificates(Path file, X509Certificate... certs) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      for (X509Certificate c : certs) {
        pem.writeObject(c);
      }
    }
    return file;
  }

  /** {@code -----BEGIN PRIVATE KEY-----} (PKCS#8). */
  public static Path writePkcs8(Path file, PrivateKey key) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new JcaPKCS8Generator(key, null));
    }
    return file;
  }

  /** {@code -----BEGIN ENCRYPTED PRIVATE KEY-----} (PKCS#8, AES-256-CBC). */
  public static Path writeEncryptedPkcs8(Path file, PrivateKey key, char[] password)
      throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(
          new JcaPKCS8Generator(
              key,
              new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                  .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                  .setPassword(password)
                  .build()));
    } catch (OperatorCreationException e) {
      throw new IOException(e);
    }
    return file;
  }

  /**
   * OpenSSL's traditional form: {@code BEGIN RSA PRIVATE KEY} (PKCS#1) for RSA keys, {@code BEGIN
   * EC PRIVATE KEY} (SEC1) for EC keys.
   */
  public static Path writeTraditional(Path file, PrivateKey key) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      if (key.getAlgorithm().equals("EC")) {
        // BouncyCastle's writer cannot convert a JDK EC key (its PKCS#8 form keeps the curve in the
        // algorithm identifier): build SEC1 with the curve inside, as OpenSSL writes it.
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        int bits = ((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength();
        ECPrivateKey sec1 =
            new ECPrivateKey(
                bits,
                inner.getKey(),
                inner.getPublicKey(),
                info.getPrivateKeyAlgorithm().getParameters());
        pem.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
      } else {
        pem.writeObject(key);
      }
    }
    return file;
  }
}
