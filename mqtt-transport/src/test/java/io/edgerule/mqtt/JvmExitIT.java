package io.edgerule.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.mqtt.testing.NeverConnectedMain;
import io.edgerule.mqtt.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JVM whose only MQTT client never got a TLS connection (the broker requires a client certificate
 * we do not have) exits when main returns, with and without {@code close()}
 * (eclipse-paho/paho.mqtt.java#850 kept such a JVM alive).
 */
class JvmExitIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"close", "no-close"})
  void exitsAfterRefusedTlsConnects(String mode) throws Exception {
    TestPki.Issued ca = TestPki.ca("Exit CA");
    TestPki.Issued server = TestPki.server(ca, "broker", List.of("localhost"));
    Path caFile = TestPki.writeCertificates(dir.resolve("ca.pem"), ca.certificate());
    Path cert = TestPki.writeCertificates(dir.resolve("server.pem"), server.certificate());
    Path key = TestPki.writePkcs8(dir.resolve("server.key"), server.privateKey());
    try (Mosquitto broker = Mosquitto.start(dir, new Mosquitto.Tls(caFile, cert, key, true))) {
      Path out = dir.resolve("child.log");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  NeverConnectedMain.class.getName(),
                  broker.uri("ssl", "localhost"),
                  caFile.toString(),
                  mode)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      boolean exited = child.waitFor(120, TimeUnit.SECONDS);
      String log = Files.readString(out);
      if (!exited) {
        child.destroyForcibly().waitFor();
      }
      assertTrue(exited, "the JVM did not exit:\n" + log);
      assertEquals(0, child.exitValue(), log);
      assertTrue(
          log.contains(
              "refused: broker requires a client certificate; set tls.client_certificate and"
                  + " tls.client_key"),
          log);
    }
  }
}
