package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.opcua.OpcUaPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code edgerule check} reads the files an OPC-UA identity needs, as a connection would, and
 * reports a missing or unreadable one as a config error at its setting (it used to say OK, and the
 * device then failed at every connection attempt of {@code run}).
 */
class CheckIdentityFilesTest {
  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  static Result check(Path config) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new EdgeruleCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("check", "--config", config.toString());
    return new Result(exit, out.toString(), err.toString());
  }

  static final String X509 =
      """
      gateway: {id: gw, state_dir: state}
      devices:
        - protocol: opcua
          name: plc1
          endpoint: opc.tcp://127.0.0.1:4840
          identity:
            type: x509
            certificate: user.der
            private_key: keys/user.pem
          points:
            - {name: tank/level, node_id: "ns=2;s=Tank/Level"}
      """;

  @Test
  void aMissingUserCertificateAndKeyAreConfigErrorsAtTheirSettings() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(config, X509);
    Result r = check(config);
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(
        r.err()
            .contains(
                config
                    + ":8:20: devices[0].identity.certificate: file "
                    + tmp.resolve("user.der")
                    + " does not exist"),
        r.err());
    assertTrue(
        r.err()
            .contains(
                config
                    + ":9:20: devices[0].identity.private_key: file "
                    + tmp.resolve("keys/user.pem")
                    + " does not exist"),
        r.err());
    assertTrue(!r.out().contains("OK"), r.out());
  }

  @Test
  void aFileThatIsNotACertificateIsReportedAndUsableFilesPass() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(config, X509);
    // A real certificate and key: the gateway's own pair, created by the PKI.
    OpcUaPki pki = OpcUaPki.open(tmp.resolve("pki-source"));
    pki.ownCertificate();
    Files.createDirectories(tmp.resolve("keys"));
    Files.copy(
        pki.root().resolve("own/private/edgerule-gateway.pem"), tmp.resolve("keys/user.pem"));
    Files.writeString(tmp.resolve("user.der"), "not a certificate");
    Result bad = check(config);
    assertEquals(2, bad.exit(), bad.out() + bad.err());
    assertTrue(bad.err().contains(config + ":8:20: devices[0].identity.certificate: "), bad.err());
    assertTrue(!bad.err().contains("private_key"), bad.err());

    Files.copy(
        pki.root().resolve("own/certs/edgerule-gateway.der"),
        tmp.resolve("user.der"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Result ok = check(config);
    assertEquals(0, ok.exit(), ok.err());
    assertTrue(ok.out().contains("config " + config + ": OK"), ok.out());
  }

  @Test
  void aMissingPasswordFileIsAConfigErrorAtItsSetting() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(
        config,
        """
        gateway: {id: gw, state_dir: state}
        devices:
          - protocol: opcua
            name: plc1
            endpoint: opc.tcp://127.0.0.1:4840
            identity: {type: username, username: gw, password_file: plc1.pw}
            points:
              - {name: tank/level, node_id: "ns=2;s=Tank/Level"}
        """);
    Result r = check(config);
    assertEquals(2, r.exit(), r.out() + r.err());
    assertTrue(
        r.err()
            .contains(
                config
                    + ":6:61: devices[0].identity.password_file: file "
                    + tmp.resolve("plc1.pw")
                    + " does not exist"),
        r.err());
    Files.writeString(tmp.resolve("plc1.pw"), "secret\n");
    assertEquals(0, check(config).exit());
  }
}
