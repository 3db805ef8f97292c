package io.edgerule.sim.opcua;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Period;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;

/**
 * The simulator's application instance certificate: self-signed, with the application URI and the
 * subjectAltName entries clients check (localhost, 127.0.0.1, the host name). Generated once and,
 * when a PKI folder is given, kept there so a gateway trusts it only once.
 */
record SimCertificate(X509Certificate certificate, KeyPair keyPair) {
  static final String APPLICATION_URI = "urn:edgerule:sim:opcua-plant";

  static SimCertificate loadOrCreate(Path ownDir, String hostname) throws IOException {
    if (ownDir != null) {
      Path cert = ownDir.resolve("sim-cert.der");
      Path key = ownDir.resolve("sim-key.pk8");
      if (Files.exists(cert) && Files.exists(key)) {
        return load(cert, key);
      }
      SimCertificate created = create(hostname);
      Files.createDirectories(ownDir);
      try {
        Files.write(cert, created.certificate.getEncoded());
      } catch (GeneralSecurityException e) {
        throw new IOException(e);
      }
      Files.write(key, created.keyPair.getPrivate().getEncoded());
      return created;
    }
    return create(hostname);
  }

  static SimCertificate create(String hostname) throws IOException {
    try {
      KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
      Set<String> dns = new LinkedHashSet<>();
      dns.add("localhost");
      dns.add(hostname);
      try {
        dns.add(InetAddress.getLocalHost().getHostName());
      } catch (IOException e) {
        // no resolvable host name: localhost is enough for tests
      }
      SelfSignedCertificateBuilder builder =
          new SelfSignedCertificateBuilder(keyPair)
              .setCommonName("edgerule OPC-UA plant simulator")
              .setOrganization("edgerule")
              .setApplicationUri(APPLICATION_URI)
              .setValidityPeriod(Period.ofYears(3))
              .addIpAddress("127.0.0.1");
      for (String d : dns) {
        if (d.matches("[0-9.]+")) {
          builder.addIpAddress(d);
        } else {
          builder.addDnsName(d);
        }
      }
      return new SimCertificate(builder.build(), keyPair);
    } catch (Exception e) {
      throw new IOException("cannot create the simulator's certificate: " + e, e);
    }
  }

  private static SimCertificate load(Path certFile, Path keyFile) throws IOException {
    try {
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(Files.newInputStream(certFile));
      var key =
          KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(keyFile)));
      return new SimCertificate(cert, new KeyPair(cert.getPublicKey(), key));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the simulator's certificate from " + certFile, e);
    }
  }

  /** PEM text of the certificate (for people who copy it into a trust list). */
  String pem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
