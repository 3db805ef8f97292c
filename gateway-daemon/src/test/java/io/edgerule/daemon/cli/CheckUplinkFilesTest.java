package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgerule check} reads the files the uplink needs (TLS CA, certificate, key; password file)
 * as a start would, and reports a missing or unusable one naming it.
 */
class CheckUplinkFilesTest {
  @TempDir Path tmp;

  @Test
  void aMissingCaFileIsAConfigErrorNamingIt() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(
        config,
        "gateway: {id: gw, state_dir: state}\n"
            + "mqtt:\n  broker: ssl://localhost:8883\n  tls: {ca_file: certs/ca.pem}\n");
    CheckIdentityFilesTest.Result r = CheckIdentityFilesTest.check(config);
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains(config + ": mqtt: "), r.err());
    assertTrue(r.err().contains(tmp.resolve("certs/ca.pem").toString()), r.err());
  }

  @Test
  void aCaFileThatIsNoCertificateIsAConfigErrorNamingIt() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(tmp.resolve("ca.pem"), "not a certificate\n");
    Files.writeString(
        config,
        "gateway: {id: gw, state_dir: state}\n"
            + "mqtt:\n  broker: mqtts://localhost\n  tls: {ca_file: ca.pem}\n");
    CheckIdentityFilesTest.Result r = CheckIdentityFilesTest.check(config);
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains(tmp.resolve("ca.pem").toString()), r.err());
  }

  @Test
  void aMissingPasswordFileIsAConfigErrorNamingIt() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(
        config,
        "gateway: {id: gw, state_dir: state}\n"
            + "mqtt: {broker: 'tcp://localhost', username: gw, password_file: mqtt.pass}\n");
    CheckIdentityFilesTest.Result r = CheckIdentityFilesTest.check(config);
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(
        r.err().contains("mqtt.password_file " + tmp.resolve("mqtt.pass") + ": cannot read"),
        r.err());
  }
}
