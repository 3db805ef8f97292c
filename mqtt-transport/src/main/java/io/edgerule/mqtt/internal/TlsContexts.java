package io.edgerule.mqtt.internal;

import io.edgerule.mqtt.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;

/** Builds the TLS socket factory of a {@link TlsConfig}: PEM files in, one clear error out. */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * @param host the host of the server URI (named in host-name mismatch errors)
   * @throws IOException naming the file and the problem (missing, unreadable, not PEM, key does not
   *     match certificate)
   */
  public static SSLSocketFactory socketFactory(TlsConfig tls, String host) throws IOException {
    try {
      KeyStore trust = null;
      String trustSource = "the JVM's default CAs";
      if (tls.caBundle() != null) {
        trustSource = tls.caBundle().toString();
        trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate ca : PemFiles.certificates(tls.caBundle(), "tls.ca_file")) {
          trust.setCertificateEntry("ca" + i++, ca);
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      X509ExtendedTrustManager jdk = null;
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          jdk = x;
        }
      }
      if (jdk == null) {
        throw new GeneralSecurityException("the JVM offers no X509ExtendedTrustManager");
      }
      X509KeyManager ours = null;
      if (tls.clientCertificate() != null) {
        for (KeyManager km : keyManagers(tls)) {
          if (km instanceof X509KeyManager x) {
            ours = x;
          }
        }
      }
      KeyManager[] keyManagers = {HandshakeWitness.noting(ours)};
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keyManagers,
          new TrustManager[] {
            new CheckingTrustManager(jdk, trustSource, host, tls.verifyHostname())
          },
          new SecureRandom());
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
  }

  private static KeyManager[] keyManagers(TlsConfig tls)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> chain =
        PemFiles.certificates(tls.clientCertificate(), "tls.client_certificate");
    char[] password = tls.keyPassword() == null ? null : tls.keyPassword().toCharArray();
    PrivateKey key = PemFiles.privateKey(tls.clientKey(), password, "tls.client_key");
    requireMatch(key, chain.get(0), tls);
    char[] storePassword = new char[0];
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("client", key, storePassword, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, storePassword);
    return kmf.getKeyManagers();
  }

  /** "CN=gw-17 (issued by CN=Fleet CA)" for the client certificate of {@code tls}, or null. */
  public static String clientIdentity(TlsConfig tls) throws IOException {
    if (tls == null || tls.clientCertificate() == null) {
      return null;
    }
    X509Certificate c =
        PemFiles.certificates(tls.clientCertificate(), "tls.client_certificate").get(0);
    return c.getSubjectX500Principal().getName()
        + " (issued by "
        + c.getIssuerX500Principal().getName()
        + ")";
  }

  /** Signs a probe with the key and verifies it with the certificate: a mismatch fails here. */
  private static void requireMatch(PrivateKey key, X509Certificate cert, TlsConfig tls)
      throws IOException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return; // no probe for this key type; the handshake will tell
    }
    byte[] probe = "edgerule key probe".getBytes(StandardCharsets.US_ASCII);
    boolean matches;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      matches = false;
    }
    if (!matches) {
      throw new IOException(
          "tls.client_key "
              + tls.clientKey()
              + " does not belong to tls.client_certificate "
              + tls.clientCertificate()
              + " ("
              + cert.getSubjectX500Principal().getName()
              + ")");
    }
  }
}
