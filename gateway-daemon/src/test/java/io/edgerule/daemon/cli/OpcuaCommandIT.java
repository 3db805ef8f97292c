package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.sim.opcua.OpcUaSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code edgerule opcua browse|certs|trust} against the plant simulator, and an OPC-UA device in
 * {@code edgerule check}: the commissioning path a user follows.
 */
class OpcuaCommandIT {
  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new EdgeruleCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void browseThenTrustTheServerThenBrowseSecurely() throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(true).start()) {
      String state = tmp.resolve("state").toString();
      Result plain = run("opcua", "browse", sim.endpointUrl(), "ns=2;s=Pump", "--state-dir", state);
      assertEquals(0, plain.exit(), plain.err());
      assertTrue(
          plain.out().contains("Command  ns=2;s=Pump/Command  Variable  Boolean  read/write"),
          plain.out());

      Result points =
          run(
              "opcua",
              "browse",
              sim.endpointUrl(),
              "ns=2;s=Tank",
              "--points",
              "--state-dir",
              state);
      assertTrue(
          points
              .out()
              .contains(
                  "- {name: temperature_setpoint, node_id: \"ns=2;s=Tank/TemperatureSetpoint\","
                      + " type: float64, writable: true}"),
          points.out());

      Result refused =
          run(
              "opcua",
              "browse",
              sim.endpointUrl(),
              "--security-policy",
              "aes128_sha256_rsaoaep",
              "--state-dir",
              state);
      assertEquals(1, refused.exit());
      assertTrue(
          refused.err().startsWith("edgerule: server certificate not trusted: CN=edgerule OPC-UA"),
          refused.err());

      Result certs = run("opcua", "certs", "--state-dir", state);
      assertEquals(0, certs.exit(), certs.err());
      Matcher m =
          Pattern.compile("rejected[^\\n]*\\n  ([0-9a-f]{40})  CN=edgerule OPC-UA plant simulator")
              .matcher(certs.out());
      assertTrue(m.find(), certs.out());
      assertTrue(certs.out().contains("own (give this to the servers' administrators):"));

      Result trust = run("opcua", "trust", m.group(1).substring(0, 12), "--state-dir", state);
      assertEquals(0, trust.exit(), trust.err());
      assertTrue(trust.out().startsWith("trusted CN=edgerule OPC-UA plant simulator"), trust.out());

      Result secure =
          run(
              "opcua",
              "browse",
              sim.endpointUrl(),
              "ns=2;s=Line",
              "--security-policy",
              "aes128_sha256_rsaoaep",
              "--security-mode",
              "sign",
              "--state-dir",
              state);
      assertEquals(0, secure.exit(), secure.err());
      assertTrue(secure.out().contains("ns=2;s=Line/Counter"), secure.out());

      Result again = run("opcua", "trust", "0000000000", "--state-dir", state);
      assertEquals(1, again.exit());
      assertEquals(
          "edgerule: no rejected certificate has thumbprint 0000000000; see `edgerule opcua"
              + " certs`\n",
          again.err());
    }
  }

  @Test
  void anOpcUaDeviceInTheConfigIsCheckedAndItsStateFolderUsed() throws Exception {
    Path config = tmp.resolve("gateway.yaml");
    Files.writeString(
        config,
        """
        gateway: {id: gw, state_dir: state}
        devices:
          - protocol: opcua
            name: plc1
            endpoint: opc.tcp://127.0.0.1:4840
            security_policy: aes256_sha256_rsapss
            security_mode: sign
            identity: {type: username, username: gw, password_file: plc1.pw}
            publishing_interval: 500ms
            reconnect: {initial: 1s, max: 30s, multiplier: 2}
            points:
              - {name: tank/temperature, node_id: "ns=2;s=Tank/Temperature", deadband: {type: percent, value: 0.5}}
              - {name: pump/command, node_id: "nsu=urn:plc;s=Pump/Command", type: bool, writable: true}
        """);
    Files.writeString(tmp.resolve("plc1.pw"), "secret\n"); // check reads identity files
    Result ok = run("check", "--config", config.toString());
    assertEquals(0, ok.exit(), ok.err());
    assertTrue(ok.out().contains("1 devices"), ok.out());

    Result certs = run("opcua", "certs", "--config", config.toString());
    assertEquals(0, certs.exit(), certs.err());
    assertTrue(
        certs.out().startsWith("PKI folder " + tmp.resolve("state").resolve("opcua/pki")),
        certs.out());

    Files.writeString(
        config,
        """
        gateway: {id: gw}
        devices:
          - protocol: opcua
            name: plc1
            endpoint: opc.tcp://127.0.0.1:4840
            points:
              - {name: tank/temperature, node_id: "Tank/Temperature"}
        """);
    Result bad = run("check", "--config", config.toString());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains(config + ":7:"), bad.err());
    assertTrue(bad.err().contains("node_id: 'Tank/Temperature' is not a NodeId"), bad.err());
  }
}
