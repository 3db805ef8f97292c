package io.edgerule.mqtt;

import java.nio.file.Path;

/**
 * TLS for {@code ssl://} and {@code mqtts://}: PEM files, read when the transport is created.
 *
 * @param caBundle PEM file of the CA certificates that may sign the broker's certificate; null
 *     trusts the JVM's default CAs
 * @param clientCertificate PEM file of our certificate (and its intermediates) for mutual TLS; null
 *     for none
 * @param clientKey PEM private key of {@code clientCertificate}: PKCS#8 ({@code BEGIN PRIVATE
 *     KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}),
 *     optionally encrypted with {@code keyPassword}
 * @param keyPassword password of an encrypted key, else null
 * @param verifyHostname check that the broker's certificate names the host of the server URI (DNS
 *     or IP subject alternative name); on unless explicitly turned off
 */
public record TlsConfig(
    Path caBundle,
    Path clientCertificate,
    Path clientKey,
    String keyPassword,
    boolean verifyHostname) {

  public TlsConfig {
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new IllegalArgumentException(
          clientCertificate == null
              ? "tls.client_key is set but tls.client_certificate is not"
              : "tls.client_certificate is set but tls.client_key is not");
    }
    if (keyPassword != null && clientKey == null) {
      throw new IllegalArgumentException("tls.key_password is set but tls.client_key is not");
    }
  }

  /** The JVM's default CAs, no client certificate, host name verified. */
  public static TlsConfig systemDefault() {
    return new TlsConfig(null, null, null, null, true);
  }

  /** Server authentication only: the broker's certificate must chain to {@code caBundle}. */
  public static TlsConfig trusting(Path caBundle) {
    return new TlsConfig(caBundle, null, null, null, true);
  }

  /** This configuration with a client certificate and key (mutual TLS). */
  public TlsConfig withClientCertificate(Path certificate, Path key) {
    return new TlsConfig(caBundle, certificate, key, keyPassword, verifyHostname);
  }

  public TlsConfig withVerifyHostname(boolean verify) {
    return new TlsConfig(caBundle, clientCertificate, clientKey, keyPassword, verify);
  }

  @Override
  public String toString() { // never the key password
    return "TlsConfig[ca="
        + caBundle
        + ", cert="
        + clientCertificate
        + ", key="
        + clientKey
        + ", verifyHostname="
        + verifyHostname
        + "]";
  }
}
