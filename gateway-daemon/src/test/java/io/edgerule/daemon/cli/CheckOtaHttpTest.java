package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgerule check} reads {@code ota.http.ca_file} as the gateway would, naming the file. */
class CheckOtaHttpTest {
  @TempDir Path tmp;

  private static final String CONFIG =
      """
      gateway: {id: gw, state_dir: state}
      ota:
        http:
          hosts: [cdn.example.com]
          ca_file: cdn-ca.pem
      """;

  @Test
  void aCaFileThatIsNotPemIsAConfigErrorAndARealOnePasses() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(config, CONFIG);
    Files.writeString(tmp.resolve("cdn-ca.pem"), "not a certificate\n");
    CheckIdentityFilesTest.Result bad = CheckIdentityFilesTest.check(config);
    assertEquals(2, bad.exit(), bad.out() + bad.err());
    assertTrue(
        bad.err().contains("ota.http.ca_file: " + tmp.resolve("cdn-ca.pem") + ": "), bad.err());

    TestPki.writeCertificates(tmp.resolve("cdn-ca.pem"), TestPki.ca("cdn-ca").certificate());
    CheckIdentityFilesTest.Result ok = CheckIdentityFilesTest.check(config);
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertTrue(ok.out().contains("OK"), ok.out());
  }
}
