package io.edgerule.adapter.opcua.internal;

import io.edgerule.adapter.opcua.CertificateInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Period;
import java.util.Locale;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's application instance certificate: who this gateway is to every OPC-UA server.
 * Created on first use (RSA 2048, SHA256withRSA, valid 5 years; what all supported policies accept)
 * and kept in {@code pki/own/certs} with its key in {@code pki/own/private}.
 */
public record ApplicationCertificate(
    X509Certificate certificate, KeyPair keyPair, String applicationUri, Path certificateFile) {

  private static final Logger log = LoggerFactory.getLogger(ApplicationCertificate.class);
  static final String FILE_STEM = "edgerule-gateway";

  public CertificateInfo info() {
    return Certificates.describe(certificate, certificateFile);
  }

  /** Loads the certificate and key from {@code ownDir}, creating them if absent. */
  public static ApplicationCertificate loadOrCreate(Path ownDir) throws IOException {
    Path certFile = ownDir.resolve("certs").resolve(FILE_STEM + ".der");
    Path keyFile = ownDir.resolve("private").resolve(FILE_STEM + ".pem");
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      X509Certificate cert = Certificates.read(certFile).get(0);
      PrivateKey key = Certificates.readPrivateKey(keyFile);
      return new ApplicationCertificate(
          cert, new KeyPair(cert.getPublicKey(), key), Certificates.applicationUri(cert), certFile);
    }
    if (Files.exists(certFile) != Files.exists(keyFile)) {
      throw new IOException(
          "the gateway's OPC-UA certificate is incomplete: "
              + (Files.exists(certFile) ? keyFile : certFile)
              + " is missing; restore it from a backup or delete "
              + ownDir
              + " to create a new identity (servers must then trust the new certificate)");
    }
    return create(certFile, keyFile);
  }

  private static ApplicationCertificate create(Path certFile, Path keyFile) throws IOException {
    String host = hostName();
    String uri = "urn:" + host + ":edgerule:gateway";
    try {
      KeyPair keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
      SelfSignedCertificateBuilder builder =
          new SelfSignedCertificateBuilder(keyPair)
              .setCommonName("edgerule gateway@" + host)
              .setOrganization("edgerule")
              .setApplicationUri(uri)
              .setValidityPeriod(Period.ofYears(5))
              .addDnsName(host)
              .addDnsName("localhost")
              .addIpAddress("127.0.0.1");
      X509Certificate cert = builder.build();
      Certificates.writePrivateKey(keyPair.getPrivate(), keyFile);
      Certificates.writeDer(cert, certFile);
      log.info(
          "created the gateway's OPC-UA application certificate {} (thumbprint {})",
          certFile,
          Certificates.thumbprint(cert));
      return new ApplicationCertificate(cert, keyPair, uri, certFile);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("cannot create the gateway's OPC-UA certificate: " + e, e);
    }
  }

  private static String hostName() {
    try {
      String h = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
      return h.isBlank() ? "localhost" : h;
    } catch (IOException e) {
      return "localhost";
    }
  }
}
