package io.edgerule.adapter.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.ValueType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpcUaDeviceConfigTest {
  static final List<OpcUaPointConfig> POINTS =
      List.of(OpcUaPointConfig.of("t", "ns=2;s=T", ValueType.FLOAT64));

  static OpcUaDeviceConfig device(String endpoint, SecurityPolicyName p, SecurityMode m) {
    return OpcUaDeviceConfig.of("plc1", endpoint, p, m, POINTS);
  }

  @Test
  void defaultsAreSecure() {
    OpcUaDeviceConfig c = device("opc.tcp://10.0.0.5:4840", null, null);
    assertEquals(SecurityPolicyName.BASIC256SHA256, c.securityPolicy());
    assertEquals(SecurityMode.SIGN_AND_ENCRYPT, c.securityMode());
    assertEquals(OpcUaIdentity.Type.ANONYMOUS, c.identity().type());
    assertEquals(Duration.ofSeconds(1), c.publishingInterval());
    assertEquals(Duration.ofSeconds(5), c.requestTimeout());
    assertEquals(Backoff.DEFAULT, c.reconnect());
    assertEquals("10.0.0.5", c.host());
    assertEquals(4840, c.port());
    assertEquals(4840, device("opc.tcp://plc", null, null).port());
    assertEquals(
        SecurityMode.NONE, device("opc.tcp://plc", SecurityPolicyName.NONE, null).securityMode());
  }

  @Test
  void pointDefaults() {
    OpcUaPointConfig p = new OpcUaPointConfig("a/b", " ns=2;s=X ", null, null, null, null, null);
    assertEquals(ValueType.FLOAT64, p.type());
    assertEquals(10, p.queueSize());
    assertEquals(false, p.writable());
    assertEquals("ns=2;s=X", p.nodeId());
  }

  @Test
  void invalidValuesNameTheFieldAndWhatIsWrong() {
    assertEquals(
        "endpoint: required, e.g. opc.tcp://192.168.1.10:4840 (the server's endpoint URL)",
        error(() -> device(null, null, null)));
    assertEquals(
        "endpoint: 'http://plc:80' must start with opc.tcp:// (the only transport this gateway"
            + " speaks)",
        error(() -> device("http://plc:80", null, null)));
    assertEquals(
        "security_mode: policy none cannot Sign; choose a security_policy such as basic256sha256,"
            + " or security_mode: none",
        error(() -> device("opc.tcp://plc", SecurityPolicyName.NONE, SecurityMode.SIGN)));
    assertEquals(
        "security_mode: none needs security_policy: none (policy aes128_sha256_rsaoaep signs every"
            + " message); use sign or sign_and_encrypt",
        error(
            () ->
                device(
                    "opc.tcp://plc", SecurityPolicyName.AES128_SHA256_RSAOAEP, SecurityMode.NONE)));
    assertEquals(
        "points[1].name: point 't' is defined twice",
        error(
            () ->
                OpcUaDeviceConfig.of(
                    "plc1",
                    "opc.tcp://plc",
                    null,
                    null,
                    List.of(POINTS.get(0), OpcUaPointConfig.of("t", "i=1", null)))));
    assertEquals(
        "node_id: 'Tank' is not a NodeId: write ns=<index>;s=<name>, ns=<index>;i=<number>,"
            + " ns=<index>;g=<guid>, ns=<index>;b=<base64> or nsu=<namespace-uri>;s=<name>",
        error(() -> OpcUaPointConfig.of("t", "Tank", null)));
    assertEquals(
        "queue_size: must be between 1 and 10000, got 0",
        error(() -> new OpcUaPointConfig("t", "i=1", null, null, 0, null, null)));
    assertEquals(
        "deadband.value: a percent deadband must be between 0 and 100, got 150.0",
        error(() -> OpcUaDeadband.percent(150)));
    assertEquals(
        "deadband.type: required (absolute or percent)", error(() -> new OpcUaDeadband(null, 1)));
    assertEquals(
        "publishing_interval: must be at least 10ms, got 5ms",
        error(
            () ->
                new OpcUaDeviceConfig(
                    "d", "opc.tcp://h", null, null, null, Duration.ofMillis(5), null, null, null)));
  }

  @Test
  void anEmptyPointEntryIsNamedNotANullPointerException() {
    List<OpcUaPointConfig> points =
        java.util.Arrays.asList(
            new OpcUaPointConfig("a", "i=1", null, null, null, null, null), null);
    assertEquals(
        "points[1]: empty entry",
        error(
            () ->
                new OpcUaDeviceConfig(
                    "d", "opc.tcp://h", null, null, null, null, null, null, points)));
  }

  @Test
  void identityFollowsFromItsFieldsAndNeverPrintsThePassword() {
    OpcUaIdentity user = new OpcUaIdentity(null, "gw", "hunter2", null, null, null);
    assertEquals(OpcUaIdentity.Type.USERNAME, user.type());
    assertEquals("username gw", user.toString());
    OpcUaDeviceConfig c =
        new OpcUaDeviceConfig("d", "opc.tcp://h", null, null, user, null, null, null, null);
    assertEquals(false, c.toString().contains("hunter2"), c.toString());
    assertEquals(
        OpcUaIdentity.Type.X509,
        new OpcUaIdentity(null, null, null, null, Path.of("c.der"), Path.of("k.pem")).type());
    assertEquals(
        "identity: type username needs exactly one of password or password_file",
        error(() -> new OpcUaIdentity(OpcUaIdentity.Type.USERNAME, "gw", null, null, null, null)));
    assertEquals(
        "identity.private_key: required for type x509 (a PKCS#8 PEM file)",
        error(() -> new OpcUaIdentity(null, null, null, null, Path.of("c.der"), null)));
    assertEquals(
        "identity: type anonymous takes no username or password; use type: username",
        error(() -> new OpcUaIdentity(OpcUaIdentity.Type.ANONYMOUS, "gw", "x", null, null, null)));
  }

  static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }
}
