package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mqtt.namespace: sparkplug and mqtt.sparkplug. */
class SparkplugConfigTest {
  private static final Path FILE = Path.of("/etc/edgerule/gateway.yaml");
  private final ConfigLoader loader = new ConfigLoader(List.of(new ConfigLoaderTest.TestFactory()));

  private static String config(String sparkplug) {
    return """
        gateway:
          id: gw-1
        mqtt:
          broker: tcp://127.0.0.1:1883
          namespace: sparkplug
        %s
        """
        .formatted(sparkplug);
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> loader.parse(yaml, FILE)).getMessage();
  }

  @Test
  void groupIsRequiredAndTheEdgeNodeIsTheGatewayUnlessSet() throws Exception {
    MqttConfig m = loader.parse(config("  sparkplug: {group_id: plant-1}\n"), FILE).mqtt();
    assertEquals(MqttConfig.Namespace.SPARKPLUG, m.namespace());
    assertEquals("plant-1", m.sparkplug().groupId());
    assertEquals("gw-1", m.sparkplug().edgeNodeIdFor("gw-1"));
    m =
        loader
            .parse(config("  sparkplug: {group_id: plant-1, edge_node_id: press-7}\n"), FILE)
            .mqtt();
    assertEquals("press-7", m.sparkplug().edgeNodeIdFor("gw-1"));
  }

  @Test
  void badIdsAreReportedAtTheirPlace() {
    assertEquals(
        "/etc/edgerule/gateway.yaml:6:14: mqtt.sparkplug.group_id: required, e.g. group_id:"
            + " plant-1",
        error(config("  sparkplug: {edge_node_id: press-7}\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:6:15: mqtt.sparkplug.group_id: must be 1-64 letters, digits,"
            + " '_', '.' or '-' (a Sparkplug topic segment), got 'plant/1'",
        error(config("  sparkplug: {group_id: plant/1}\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:6:28: mqtt.sparkplug.edge_node_id: must be 1-64 letters,"
            + " digits, '_', '.' or '-' (a Sparkplug topic segment), got 'gw+'",
        error(config("  sparkplug: {group_id: p, edge_node_id: gw+}\n")));
  }
}
