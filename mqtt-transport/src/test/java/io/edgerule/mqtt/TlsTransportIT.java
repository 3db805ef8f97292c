package io.edgerule.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.Await;
import io.edgerule.mqtt.testing.Events;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.mqtt.testing.TestPki;
import io.edgerule.mqtt.testing.TestPki.Issued;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS and mutual TLS against Mosquitto's TLS listener, with certificates made in the test: each
 * refusal gives its own clear reason, keys in PKCS#8, PKCS#1 and SEC1 form all work, and a client
 * that never got a connection leaves no thread behind.
 */
class TlsTransportIT {
  private static final Duration LONG = Duration.ofSeconds(60);
  @TempDir static Path pki;
  @TempDir Path dir;

  static Path caFile;
  static Path wrongCaFile;
  static Path serverCert;
  static Path serverKey;
  static Path expiredCert;
  static Path expiredKey;
  static Path otherNameCert;
  static Path otherNameKey;
  static Path clientCert;
  static Path clientKeyPkcs8;
  static Path rsaClientCert;
  static Path rsaClientKeyPkcs1;
  static Path ecClientCert;
  static Path ecClientKeySec1;
  static Path strangerCert;
  static Path strangerKey;
  static String expiredOn;

  @BeforeAll
  static void makeCertificates() throws Exception {
    Issued ca = TestPki.ca("Edgerule Test CA");
    Issued wrongCa = TestPki.ca("Some Other CA");
    caFile = TestPki.writeCertificates(pki.resolve("ca.pem"), ca.certificate());
    wrongCaFile = TestPki.writeCertificates(pki.resolve("wrong-ca.pem"), wrongCa.certificate());

    Issued server = TestPki.server(ca, "broker", List.of("localhost", "127.0.0.1"));
    serverCert = TestPki.writeCertificates(pki.resolve("server.pem"), server.certificate());
    serverKey = TestPki.writePkcs8(pki.resolve("server.key"), server.privateKey());

    Instant now = Instant.now();
    Issued expired =
        TestPki.leaf(
            ca,
            "broker",
            TestPki.ecKeys(),
            List.of("localhost", "127.0.0.1"),
            true,
            now.minus(Duration.ofDays(30)),
            now.minus(Duration.ofDays(1)));
    expiredOn = expired.certificate().getNotAfter().toInstant().toString();
    expiredCert = TestPki.writeCertificates(pki.resolve("expired.pem"), expired.certificate());
    expiredKey = TestPki.writePkcs8(pki.resolve("expired.key"), expired.privateKey());

    Issued otherName = TestPki.server(ca, "broker.example", List.of("broker.example"));
    otherNameCert = TestPki.writeCertificates(pki.resolve("other.pem"), otherName.certificate());
    otherNameKey = TestPki.writePkcs8(pki.resolve("other.key"), otherName.privateKey());

    Issued client = TestPki.client(ca, "gateway-ec8", TestPki.ecKeys());
    clientCert = TestPki.writeCertificates(pki.resolve("client.pem"), client.certificate());
    clientKeyPkcs8 = TestPki.writePkcs8(pki.resolve("client.key"), client.privateKey());
    Issued rsaClient = TestPki.client(ca, "gateway-rsa1", TestPki.rsaKeys());
    rsaClientCert = TestPki.writeCertificates(pki.resolve("rsa.pem"), rsaClient.certificate());
    rsaClientKeyPkcs1 = TestPki.writeTraditional(pki.resolve("rsa.key"), rsaClient.privateKey());
    Issued ecClient = TestPki.client(ca, "gateway-sec1", TestPki.ecKeys());
    ecClientCert = TestPki.writeCertificates(pki.resolve("ec.pem"), ecClient.certificate());
    ecClientKeySec1 = TestPki.writeTraditional(pki.resolve("ec.key"), ecClient.privateKey());

    Issued stranger = TestPki.client(wrongCa, "stranger", TestPki.ecKeys());
    strangerCert = TestPki.writeCertificates(pki.resolve("stranger.pem"), stranger.certificate());
    strangerKey = TestPki.writePkcs8(pki.resolve("stranger.key"), stranger.privateKey());
  }

  private Mosquitto broker(Path cert, Path key, boolean requireCertificate) throws Exception {
    return Mosquitto.start(dir, new Mosquitto.Tls(caFile, cert, key, requireCertificate));
  }

  private static MqttTransport transport(String uri, TlsConfig tls) throws Exception {
    return new MqttTransport(
        TransportConfig.builder(uri, "tls-" + System.nanoTime())
            .reconnect(Duration.ofMillis(50), Duration.ofMillis(300))
            .tls(tls)
            .build());
  }

  /** Connects, publishes at QoS 1 and waits for the acknowledgement. */
  private static void connectsAndPublishes(MqttTransport t) throws Exception {
    Events events = new Events();
    t.addListener(events);
    t.start();
    events.awaitUps(1);
    t.publish("tls/test", "hello".getBytes(StandardCharsets.UTF_8), 1, false)
        .toCompletableFuture()
        .get(LONG.toSeconds(), TimeUnit.SECONDS);
  }

  /** Starts the transport, waits for two failed attempts, returns the reason; closes it. */
  private static String refusal(MqttTransport t) throws Exception {
    try (t) {
      Events events = new Events();
      t.addListener(events);
      t.start();
      events.awaitDowns(4);
      List<String> reasons = events.downReasons();
      assertEquals(1, reasons.stream().distinct().count(), "one reason, repeated: " + reasons);
      assertEquals(0, events.ups());
      return reasons.get(0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssl://localhost", "mqtts://localhost", "ssl://127.0.0.1"})
  void serverAuthenticatedTls(String base) throws Exception {
    try (Mosquitto broker = broker(serverCert, serverKey, false);
        MqttTransport t = transport(base + ":" + broker.port(), TlsConfig.trusting(caFile))) {
      connectsAndPublishes(t);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pkcs8-ec", "pkcs1-rsa", "sec1-ec"})
  void mutualTlsWithEachKeyForm(String form) throws Exception {
    Path cert =
        switch (form) {
          case "pkcs8-ec" -> clientCert;
          case "pkcs1-rsa" -> rsaClientCert;
          default -> ecClientCert;
        };
    Path key =
        switch (form) {
          case "pkcs8-ec" -> clientKeyPkcs8;
          case "pkcs1-rsa" -> rsaClientKeyPkcs1;
          default -> ecClientKeySec1;
        };
    try (Mosquitto broker = broker(serverCert, serverKey, true);
        MqttTransport t =
            transport(
                broker.uri("ssl", "localhost"),
                TlsConfig.trusting(caFile).withClientCertificate(cert, key))) {
      connectsAndPublishes(t);
    }
  }

  @Test
  void aWrongCaSaysTheServerIsNotTrusted() throws Exception {
    try (Mosquitto broker = broker(serverCert, serverKey, false)) {
      assertEquals(
          "server certificate not trusted by "
              + wrongCaFile
              + " (subject CN=broker, issuer CN=Edgerule Test CA)",
          refusal(transport(broker.uri("ssl", "localhost"), TlsConfig.trusting(wrongCaFile))));
    }
  }

  @Test
  void anExpiredServerCertificateSaysWhenItExpired() throws Exception {
    try (Mosquitto broker = broker(expiredCert, expiredKey, false)) {
      assertEquals(
          "server certificate CN=broker expired on " + expiredOn,
          refusal(transport(broker.uri("ssl", "localhost"), TlsConfig.trusting(caFile))));
    }
  }

  @Test
  void aHostNameMismatchNamesTheHostAndTheCertificate() throws Exception {
    try (Mosquitto broker = broker(otherNameCert, otherNameKey, false)) {
      assertEquals(
          "host name localhost does not match certificate CN=broker.example / SAN [DNS:broker.example]",
          refusal(transport(broker.uri("ssl", "localhost"), TlsConfig.trusting(caFile))));
      // and it is the host name check alone that refused: turned off, the same broker is accepted
      try (MqttTransport t =
          transport(
              broker.uri("ssl", "localhost"),
              TlsConfig.trusting(caFile).withVerifyHostname(false))) {
        connectsAndPublishes(t);
      }
    }
  }

  @Test
  void aBrokerRequiringACertificateSaysSo() throws Exception {
    try (Mosquitto broker = broker(serverCert, serverKey, true)) {
      String reason =
          refusal(transport(broker.uri("ssl", "localhost"), TlsConfig.trusting(caFile)));
      assertTrue(reason.startsWith("broker requires a client certificate"), reason);
    }
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefusedByTheBroker() throws Exception {
    try (Mosquitto broker = broker(serverCert, serverKey, true)) {
      assertEquals(
          "broker refused our client certificate CN=stranger (issued by CN=Some Other CA)",
          refusal(
              transport(
                  broker.uri("ssl", "localhost"),
                  TlsConfig.trusting(caFile).withClientCertificate(strangerCert, strangerKey))));
    }
  }

  @Test
  void aClientThatNeverConnectedLeavesNoThreadAfterClose() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (Mosquitto broker = broker(serverCert, serverKey, true)) {
      // no client certificate: the broker drops us right after the handshake (the Paho #850 path)
      refusal(transport(broker.uri("ssl", "localhost"), TlsConfig.trusting(caFile)));
      // a wrong CA: the handshake itself fails
      refusal(transport(broker.uri("ssl", "localhost"), TlsConfig.trusting(wrongCaFile)));
    }
    Await.until(
        LONG,
        () -> newThreads(before).isEmpty(),
        () -> "threads left after close(): " + newThreads(before));
  }

  private static Set<String> newThreads(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .filter(
            t ->
                !t.isDaemon()
                    || t.getName().startsWith("MQTT")
                    || t.getName().contains("edgerule-mqtt"))
        .map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : ""))
        .collect(Collectors.toSet());
  }
}
