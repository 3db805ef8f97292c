package io.edgerule.daemon.cli;

import io.edgerule.adapter.DurationText;
import io.edgerule.mqtt.TlsConfig;
import io.edgerule.mqtt.TransportConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Option;

/**
 * How a fleet command reaches the broker: its URI, the topic prefix, credentials and TLS from PEM
 * files (the same files as a gateway's {@code mqtt.tls:}: CA bundle, client certificate and key,
 * host name check). Secrets come from files, never from the command line.
 */
final class BrokerOptions {
  @Option(
      names = "--broker",
      paramLabel = "URI",
      defaultValue = "${env:EDGERULE_FLEET_BROKER}",
      description =
          "tcp://host:1883, ssl://host:8883 or mqtts://host:8883. Default: the"
              + " EDGERULE_FLEET_BROKER environment variable.")
  String broker;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      defaultValue = "edgerule",
      description = "The gateways' mqtt.topic_prefix (default ${DEFAULT-VALUE}).")
  String prefix;

  @Option(names = "--username", paramLabel = "NAME", description = "MQTT user name.")
  String username;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "File holding the MQTT password (needs --username).")
  Path passwordFile;

  @Option(
      names = "--tls-ca-file",
      paramLabel = "PEM",
      description = "CA bundle the broker's certificate must chain to (default: the JVM's CAs).")
  Path caFile;

  @Option(
      names = "--tls-cert-file",
      paramLabel = "PEM",
      description = "Our certificate for mutual TLS (needs --tls-key-file).")
  Path certFile;

  @Option(
      names = "--tls-key-file",
      paramLabel = "PEM",
      description = "Private key of --tls-cert-file: PKCS#8, PKCS#1 (RSA) or SEC1 (EC).")
  Path keyFile;

  @Option(
      names = "--tls-key-password-file",
      paramLabel = "FILE",
      description = "File holding the password of an encrypted --tls-key-file.")
  Path keyPasswordFile;

  @Option(
      names = "--tls-no-verify-hostname",
      description = "Do not check that the broker's certificate names its host.")
  boolean noVerifyHostname;

  @Option(
      names = "--connect-timeout",
      paramLabel = "TIME",
      defaultValue = "10s",
      description = "How long to try to connect (default ${DEFAULT-VALUE}).")
  String connectTimeout;

  /**
   * The connection these options describe.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  TransportConfig transport() throws IOException {
    if (broker == null || broker.isBlank()) {
      throw new IllegalArgumentException(
          "--broker: give the broker's URI (tcp://host:1883, ssl://host:8883) or set EDGERULE_FLEET_BROKER");
    }
    URI uri;
    try {
      uri = new URI(broker);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "--broker: '" + broker + "' is not a URI: " + e.getReason());
    }
    boolean tls = caFile != null || certFile != null || keyFile != null || noVerifyHostname;
    if (tls && "tcp".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "--tls-* options need an ssl:// or mqtts:// --broker, got '" + broker + "'");
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          certFile == null
              ? "--tls-key-file needs --tls-cert-file (mutual TLS)"
              : "--tls-cert-file needs --tls-key-file (mutual TLS)");
    }
    if (keyPasswordFile != null && keyFile == null) {
      throw new IllegalArgumentException("--tls-key-password-file needs --tls-key-file");
    }
    if (passwordFile != null && username == null) {
      throw new IllegalArgumentException("--password-file needs --username");
    }
    Duration timeout = timeout();
    TransportConfig.Builder b;
    try {
      b = TransportConfig.builder(broker, clientId());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--broker: " + e.getMessage());
    }
    b.connectTimeout(timeout)
        .reconnect(Duration.ofMillis(200), Duration.ofSeconds(5))
        .credentials(
            username, passwordFile == null ? null : secret("--password-file", passwordFile));
    if (!"tcp".equals(uri.getScheme())) {
      b.tls(
          new TlsConfig(
              caFile,
              certFile,
              keyFile,
              keyPasswordFile == null ? null : secret("--tls-key-password-file", keyPasswordFile),
              !noVerifyHostname));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--broker " + broker + ": " + e.getMessage());
    }
  }

  Duration timeout() {
    Duration d;
    try {
      d = DurationText.parse(connectTimeout);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--connect-timeout: " + e.getMessage());
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(
          "--connect-timeout: must be 1s..1h, got " + DurationText.format(d));
    }
    return d;
  }

  private static String secret(String option, Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(option + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * A client id every MQTT 3.1.1 broker must accept (3.1.3.1: 1 to 23 bytes of 0-9, a-z, A-Z;
   * longer ones or other characters a broker may refuse): {@code edgerulefleet} and 10 random
   * base-36 digits, a new one for every command, so two commands never take over each other's
   * session.
   */
  static String clientId() {
    long n = ThreadLocalRandom.current().nextLong(3_656_158_440_062_976L); // 36^10
    String digits = Long.toString(n, 36);
    return "edgerulefleet" + "0".repeat(10 - digits.length()) + digits;
  }
}
