package io.edgerule.daemon.uplink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.mqtt.testing.TestPki;
import io.edgerule.mqtt.testing.TestPki.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 7: the packaged gateway (a child JVM) configured for mutual TLS against Mosquitto
 * ({@code require_certificate true}) through its YAML config. A broker certificate from a CA we do
 * not trust, an expired one and one for another host name each give one clear error line; the
 * gateway goes on retrying with backoff and connects once the broker presents a good certificate. A
 * gateway that never got a TLS connection still stops cleanly on SIGTERM (Paho #850).
 */
class TlsGatewayIT {
  private static final Duration LONG = Duration.ofMinutes(3);

  @TempDir static Path pki;
  @TempDir Path dir;

  static Path caFile;
  static Path goodCert;
  static Path goodKey;
  static Path strangerCert; // the broker's certificate from a CA we do not trust
  static Path strangerKey;
  static Path expiredCert;
  static Path expiredKey;
  static Path otherNameCert;
  static Path otherNameKey;
  static Path clientCert;
  static Path clientKey;
  static String expiredOn;

  @BeforeAll
  static void makeCertificates() throws Exception {
    Issued ca = TestPki.ca("Edgerule Test CA");
    Issued otherCa = TestPki.ca("Some Other CA");
    caFile = TestPki.writeCertificates(pki.resolve("ca.pem"), ca.certificate());
    Issued good = TestPki.server(ca, "broker", List.of("localhost", "127.0.0.1"));
    goodCert = TestPki.writeCertificates(pki.resolve("good.pem"), good.certificate());
    goodKey = TestPki.writePkcs8(pki.resolve("good.key"), good.privateKey());
    Issued stranger = TestPki.server(otherCa, "broker", List.of("localhost", "127.0.0.1"));
    strangerCert = TestPki.writeCertificates(pki.resolve("stranger.pem"), stranger.certificate());
    strangerKey = TestPki.writePkcs8(pki.resolve("stranger.key"), stranger.privateKey());
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
    // SEC1 ("BEGIN EC PRIVATE KEY"): the gateway reads every form the issue names
    Issued client = TestPki.client(ca, "gateway", TestPki.ecKeys());
    clientCert = TestPki.writeCertificates(pki.resolve("client.pem"), client.certificate());
    clientKey = TestPki.writeTraditional(pki.resolve("client.key"), client.privateKey());
  }

  @Test
  void wrongCaIsOneClearLineThenConnectsWhenTheBrokerIsFixed() throws Exception {
    refusedThenFixed(
        strangerCert,
        strangerKey,
        "failed: server certificate not trusted by "
            + caFile
            + " (subject CN=broker, issuer CN=Some Other CA); reconnecting with backoff");
  }

  @Test
  void expiredCertificateIsOneClearLineThenConnectsWhenTheBrokerIsFixed() throws Exception {
    refusedThenFixed(
        expiredCert,
        expiredKey,
        "failed: server certificate CN=broker expired on "
            + expiredOn
            + "; reconnecting with backoff");
  }

  @Test
  void hostNameMismatchIsOneClearLineThenConnectsWhenTheBrokerIsFixed() throws Exception {
    refusedThenFixed(
        otherNameCert,
        otherNameKey,
        "failed: host name localhost does not match certificate CN=broker.example / SAN"
            + " [DNS:broker.example]; reconnecting with backoff");
  }

  @Test
  void aGatewayThatNeverConnectedStopsOnSigterm() throws Exception {
    Path cert = copy(strangerCert, "server.pem");
    Path key = copy(strangerKey, "server.key");
    try (Mosquitto broker = broker(cert, key, Mosquitto.freePort())) {
      Path log = dir.resolve("gw.log");
      Process gw = gateway(broker, "never-gw", log);
      try {
        Poll.until(
            () -> read(log).contains("server certificate not trusted"),
            LONG,
            "the TLS refusal is logged");
        gw.destroy(); // SIGTERM
        assertTrue(gw.waitFor(60, TimeUnit.SECONDS), "still running after SIGTERM: " + read(log));
        assertEquals(0, gw.exitValue(), read(log));
        assertTrue(read(log).contains("gateway never-gw stopped"), read(log));
      } finally {
        gw.destroyForcibly();
      }
    }
  }

  /**
   * The broker presents {@code cert} first: the gateway logs {@code expected} once; then the broker
   * restarts with a good certificate and the gateway, still retrying, comes online over mutual TLS.
   */
  private void refusedThenFixed(Path badCert, Path badKey, String expected) throws Exception {
    Path cert = copy(badCert, "server.pem");
    Path key = copy(badKey, "server.key");
    int plainPort = Mosquitto.freePort();
    try (Mosquitto broker = broker(cert, key, plainPort)) {
      Path log = dir.resolve("gw.log");
      Process gw = gateway(broker, "tls-gw", log);
      try {
        String line = "MQTT connect to ssl://localhost:" + broker.port() + " " + expected;
        Poll.until(() -> read(log).contains(line), LONG, "logged: " + line + "\n" + read(log));
        copy(goodCert, "server.pem");
        copy(goodKey, "server.key");
        broker.restart();
        try (MqttProbe probe = probe("tcp://127.0.0.1:" + plainPort, "edgerule/tls-gw/state")) {
          probe.await(m -> m.payload().contains("\"status\":\"online\""), LONG);
        }
        String out = read(log);
        assertEquals(
            1, count(out, expected), "one line for the refusal, not one per retry: " + out);
      } finally {
        gw.destroy();
        gw.waitFor(60, TimeUnit.SECONDS);
        gw.destroyForcibly();
      }
    }
  }

  /**
   * A probe on the broker's plain listener; the helper waits for the TLS listener only, so the
   * plain one may take a moment longer after a restart.
   */
  private static MqttProbe probe(String uri, String filter) throws Exception {
    long deadline = System.nanoTime() + LONG.toNanos();
    while (true) {
      try {
        return new MqttProbe(uri, filter);
      } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100); // retry interval while the listener comes up, bounded by the deadline
      }
    }
  }

  /** The broker with a second, plain listener for the test's probe on {@code plainPort}. */
  private Mosquitto broker(Path cert, Path key, int plainPort) throws Exception {
    return Mosquitto.start(
        dir,
        new Mosquitto.Tls(caFile, cert, key, true),
        List.of("listener " + plainPort + " 127.0.0.1"));
  }

  private Process gateway(Mosquitto broker, String id, Path log) throws Exception {
    Path jar = Path.of("target", "edgerule-daemon.jar");
    assertTrue(Files.exists(jar), "run after `package`: " + jar.toAbsolutePath());
    Path config = dir.resolve(id + ".yaml");
    Files.writeString(
        config,
        "gateway: {id: "
            + id
            + ", state_dir: state-"
            + id
            + "}\n"
            + "mqtt:\n"
            + "  broker: ssl://localhost:"
            + broker.port()
            + "\n"
            + "  tls:\n"
            + "    ca_file: "
            + caFile
            + "\n"
            + "    cert_file: "
            + clientCert
            + "\n"
            + "    key_file: "
            + clientKey
            + "\n");
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "run",
            "--config",
            config.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private Path copy(Path from, String name) throws Exception {
    return Files.copy(from, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, UTF_8) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
