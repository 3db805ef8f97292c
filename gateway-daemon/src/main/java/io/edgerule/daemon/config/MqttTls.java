package io.edgerule.daemon.config;

import java.nio.file.Path;

/**
 * TLS of the MQTT uplink ({@code mqtt.tls:}) for {@code ssl://} and {@code mqtts://} brokers: PEM
 * files, read when the gateway starts; relative paths are resolved against the config file's
 * folder.
 *
 * @param caFile CA certificates that may sign the broker's certificate; unset: the JVM's default
 *     CAs
 * @param certFile our certificate (and intermediates) for mutual TLS; needs {@code key_file}
 * @param keyFile the private key of {@code cert_file}: PKCS#8, PKCS#1 (RSA) or SEC1 (EC) PEM
 * @param keyPassword password of an encrypted key
 * @param verifyHostname check that the broker's certificate names the broker's host; on unless set
 *     to false
 */
public record MqttTls(
    Path caFile, Path certFile, Path keyFile, String keyPassword, Boolean verifyHostname) {

  public MqttTls {
    if (certFile != null && keyFile == null) {
      throw new IllegalArgumentException("key_file: required with cert_file (mutual TLS)");
    }
    if (keyFile != null && certFile == null) {
      throw new IllegalArgumentException("cert_file: required with key_file (mutual TLS)");
    }
    if (keyPassword != null && keyFile == null) {
      throw new IllegalArgumentException("key_password: is set but key_file is not");
    }
    verifyHostname = verifyHostname == null || verifyHostname;
  }

  MqttTls resolveAgainst(Path dir) {
    return new MqttTls(
        resolve(dir, caFile),
        resolve(dir, certFile),
        resolve(dir, keyFile),
        keyPassword,
        verifyHostname);
  }

  static Path resolve(Path dir, Path p) {
    return p == null ? null : dir.resolve(p);
  }

  @Override
  public String toString() { // never the key password
    return "MqttTls[ca_file="
        + caFile
        + ", cert_file="
        + certFile
        + ", key_file="
        + keyFile
        + ", verify_hostname="
        + verifyHostname
        + "]";
  }
}
