package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.ProtocolAdapter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  enum Kind {
    HOLDING_REGISTER,
    COIL
  }

  record TestPoint(String name, Kind kind, Integer address) {
    TestPoint {
      if (address == null || address < 0) {
        throw new IllegalArgumentException("address must be >= 0, got " + address);
      }
    }
  }

  record TestDevice(String name, String host, Duration pollInterval, List<TestPoint> points)
      implements DeviceConfig {}

  static final class TestFactory implements AdapterFactory<TestDevice> {
    @Override
    public String protocol() {
      return "test-proto";
    }

    @Override
    public Class<TestDevice> configType() {
      return TestDevice.class;
    }

    @Override
    public ProtocolAdapter createAdapter(List<TestDevice> unit, AdapterContext context) {
      throw new UnsupportedOperationException("config tests create no adapters");
    }
  }

  private static final Path FILE = Path.of("/etc/edgerule/gateway.yaml");
  private final ConfigLoader loader = new ConfigLoader(List.of(new TestFactory()));

  private ConfigException fail(String yaml) {
    return assertThrows(ConfigException.class, () -> loader.parse(yaml, FILE));
  }

  @Test
  void bindsTypedRecordsWithSnakeCaseDurationsAndEnums() throws Exception {
    GatewayConfig c =
        loader.parse(
            """
            gateway:
              id: gw-1
              state_dir: state
            devices:
              - protocol: test-proto
                name: tank
                host: 127.0.0.1
                poll_interval: 250ms
                points:
                  - {name: level, kind: holding_register, address: 2}
            rules:
              - name: pump
                wasm: rules/pump.wasm
            mqtt:
              broker: tcp://127.0.0.1:1883
            pipeline:
              batch_size: 16
              adapter_timeout: 2s
            """,
            FILE);
    assertEquals("gw-1", c.gateway().id());
    assertEquals(Path.of("/etc/edgerule/state"), c.gateway().stateDir());
    TestDevice d = assertInstanceOf(TestDevice.class, c.devices().get(0));
    assertEquals(Duration.ofMillis(250), d.pollInterval());
    assertEquals(Kind.HOLDING_REGISTER, d.points().get(0).kind());
    assertEquals(Path.of("/etc/edgerule/rules/pump.wasm"), c.rules().get(0).wasm());
    assertEquals(Path.of("/etc/edgerule/rules/pump.yaml"), c.rules().get(0).manifest());
    assertEquals(16, c.pipeline().batchSize());
    assertEquals(10_000, c.pipeline().queueCapacity());
    assertEquals(Duration.ofSeconds(2), c.pipeline().adapterTimeout());
    assertEquals("tcp://127.0.0.1:1883", c.mqtt().serverUri());
  }

  @Test
  void unknownKeyPointsAtTheKeyAndListsKnownOnes() {
    ConfigException e =
        fail(
            """
            gateway:
              id: gw-1
              stat_dir: /tmp
            """);
    assertEquals(3, e.line());
    assertEquals(3, e.column());
    assertTrue(
        e.getMessage().startsWith("/etc/edgerule/gateway.yaml:3:3: gateway.stat_dir"),
        e.getMessage());
    assertTrue(e.problem().contains("state_dir"), e.problem());
  }

  @Test
  void badEnumNamesTheChoices() {
    ConfigException e =
        fail(
            """
            gateway: {id: gw}
            devices:
              - protocol: test-proto
                name: tank
                points:
                  - name: level
                    kind: holding_registr
                    address: 1
            """);
    assertEquals(7, e.line());
    assertEquals(15, e.column());
    assertTrue(e.problem().contains("holding_registr"), e.problem());
    assertTrue(e.problem().contains("holding_register, coil"), e.problem());
  }

  @Test
  void constructorValidationPointsAtTheObject() {
    ConfigException e =
        fail(
            """
            gateway: {id: gw}
            devices:
              - protocol: test-proto
                name: tank
                points:
                  - name: level
                    kind: coil
                    address: -4
            """);
    assertEquals(6, e.line());
    assertTrue(e.problem().contains("devices[0].points[0]"), e.problem());
    assertTrue(e.problem().contains("address must be >= 0, got -4"), e.problem());
  }

  @Test
  void unknownAndMissingProtocol() {
    ConfigException unknown =
        fail(
            """
            gateway: {id: gw}
            devices:
              - name: tank
                protocol: modbus-tpc
            """);
    assertEquals(3, unknown.line());
    assertTrue(unknown.problem().contains("unknown protocol 'modbus-tpc'"), unknown.problem());
    assertTrue(unknown.problem().contains("test-proto"), unknown.problem());
    ConfigException missing =
        fail(
            """
            gateway: {id: gw}
            devices:
              - name: tank
            """);
    assertTrue(missing.problem().contains("needs 'protocol:'"), missing.problem());
  }

  @Test
  void badDurationWrongTypeAndSyntax() {
    ConfigException d =
        fail(
            """
            gateway: {id: gw}
            devices:
              - protocol: test-proto
                name: tank
                poll_interval: soon
            """);
    assertEquals(5, d.line());
    assertEquals(20, d.column());
    assertTrue(d.problem().contains("'soon' is not a duration"), d.problem());

    ConfigException t =
        fail(
            """
            gateway: {id: gw}
            pipeline:
              batch_size: [1, 2]
            """);
    assertEquals(3, t.line());
    assertTrue(t.problem().contains("pipeline.batch_size"), t.problem());

    ConfigException s =
        fail(
            """
            gateway:
              id: gw
             bad indent: [
            """);
    assertTrue(s.line() >= 2, s.getMessage());
    assertTrue(s.problem().startsWith("invalid YAML"), s.problem());
  }

  @Test
  void duplicateNamesAndKeysAreErrors() {
    ConfigException names =
        fail(
            """
            gateway: {id: gw}
            devices:
              - {protocol: test-proto, name: tank}
              - {protocol: test-proto, name: tank}
            """);
    assertEquals(4, names.line());
    assertTrue(names.problem().contains("already defined at devices[0]"), names.problem());
    ConfigException keys =
        fail(
            """
            gateway: {id: gw}
            gateway: {id: gw2}
            """);
    assertEquals(2, keys.line());
  }

  @Test
  void missingSectionsAndBadValues() {
    assertTrue(fail("devices: []\n").problem().contains("'gateway' section is required"));
    assertTrue(fail("gateway: {id: 'a/b'}\n").problem().contains("MQTT topic segment"));
    assertTrue(
        fail("gateway: {id: gw}\nmqtt: {broker: 'http://x'}\n")
            .problem()
            .contains("tcp://host:port"));
    assertEquals(0, fail("").line());
  }

  @Test
  void devicePathsAreResolvedAgainstTheConfigFolder() throws Exception {
    ConfigLoader real = new ConfigLoader(io.edgerule.daemon.cli.Factories.installed());
    GatewayConfig c =
        real.parse(
            """
            gateway: {id: gw}
            devices:
              - protocol: opcua
                name: plc
                endpoint: opc.tcp://127.0.0.1:4840
                identity: {type: username, username: gw, password_file: secrets/plc.pw}
                points:
                  - {name: t, node_id: "ns=2;s=T"}
            """,
            FILE);
    var plc = (io.edgerule.adapter.opcua.OpcUaDeviceConfig) c.devices().get(0);
    assertEquals(Path.of("/etc/edgerule/secrets/plc.pw"), plc.identity().passwordFile());
  }

  @Test
  void emptyListEntriesAndFieldNamedProblemsPointAtTheirLine() {
    ConfigException rules = fail("gateway: {id: gw}\nrules:\n  - {name: a, wasm: a.wasm}\n  -\n");
    assertEquals(4, rules.line(), rules.getMessage());
    assertTrue(rules.problem().startsWith("rules[1]: empty entry"), rules.problem());
    ConfigException devices = fail("gateway: {id: gw}\ndevices: [null]\n");
    assertTrue(devices.problem().startsWith("devices[0]: empty entry"), devices.problem());

    ConfigLoader real = new ConfigLoader(io.edgerule.daemon.cli.Factories.installed());
    ConfigException opcua =
        assertThrows(
            ConfigException.class,
            () ->
                real.parse(
                    """
                    gateway: {id: gw}
                    devices:
                      - protocol: opcua
                        name: plc
                        endpoint: http://nope
                        points: [{name: t, node_id: "ns=2;s=T"}]
                    """,
                    FILE));
    assertEquals(5, opcua.line(), opcua.getMessage());
    assertTrue(opcua.problem().startsWith("devices[0].endpoint: "), opcua.problem());
  }
}
