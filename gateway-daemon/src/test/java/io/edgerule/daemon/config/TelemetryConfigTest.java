package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mqtt.namespace, mqtt.telemetry, mqtt.telemetry_window and the per-device overrides. */
class TelemetryConfigTest {
  private static final Path FILE = Path.of("/etc/edgerule/gateway.yaml");
  private final ConfigLoader loader = new ConfigLoader(List.of(new ConfigLoaderTest.TestFactory()));

  private static String config(String mqttExtra, String deviceExtra) {
    return """
        gateway:
          id: gw-1
        devices:
          - protocol: test-proto
            name: tank
            host: 127.0.0.1
            points: []
        %s
          - protocol: test-proto
            name: boiler
            host: 127.0.0.1
            points: []
        mqtt:
          broker: tcp://127.0.0.1:1883
        %s
        """
        .formatted(deviceExtra, mqttExtra);
  }

  private String error(String yaml) {
    return assertThrows(ConfigException.class, () -> loader.parse(yaml, FILE)).getMessage();
  }

  @Test
  void defaultsArePerPointJsonWithAOneSecondWindow() throws Exception {
    GatewayConfig c = loader.parse(config("", ""), FILE);
    assertEquals(MqttConfig.Namespace.JSON, c.mqtt().namespace());
    assertEquals(
        new TelemetrySettings(TelemetrySettings.Mode.PER_POINT, Duration.ofSeconds(1)),
        c.mqtt().telemetrySettings());
    assertEquals(Map.of(), c.deviceTelemetry());
  }

  @Test
  void gatewaySettingsAndDeviceOverrides() throws Exception {
    GatewayConfig c =
        loader.parse(
            config("  telemetry: batch\n  telemetry_window: 250ms\n", "    telemetry: per_point\n"),
            FILE);
    assertEquals(
        new TelemetrySettings(TelemetrySettings.Mode.BATCH, Duration.ofMillis(250)),
        c.mqtt().telemetrySettings());
    // The override keeps the gateway's window; the other device has none.
    assertEquals(
        Map.of(
            "tank",
            new TelemetrySettings(TelemetrySettings.Mode.PER_POINT, Duration.ofMillis(250))),
        c.deviceTelemetry());

    GatewayConfig windowOnly =
        loader.parse(config("  telemetry: batch\n", "    telemetry_window: 5s\n"), FILE);
    assertEquals(
        Map.of("tank", new TelemetrySettings(TelemetrySettings.Mode.BATCH, Duration.ofSeconds(5))),
        windowOnly.deviceTelemetry());

    // The on/off booleans of the earlier setting still mean per_point and off.
    assertEquals(
        TelemetrySettings.Mode.OFF,
        loader.parse(config("  telemetry: false\n", ""), FILE).mqtt().telemetry());
    assertEquals(
        TelemetrySettings.Mode.PER_POINT,
        loader.parse(config("  telemetry: true\n", ""), FILE).mqtt().telemetry());
  }

  @Test
  void wrongValuesAreReportedAtTheirLineAndColumn() {
    assertEquals(
        "/etc/edgerule/gateway.yaml:15:14: mqtt.telemetry: 'loud' is not one of per_point, batch,"
            + " off (or true = per_point, false = off)",
        error(config("  telemetry: loud\n", "")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:15:3: mqtt.telemetry_window: must be 10ms..1h, got 5ms",
        error(config("  telemetry_window: 5ms\n", "")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:8:16: devices[0].telemetry: 'loud' is not one of per_point,"
            + " batch, off (or true = per_point, false = off)",
        error(config("", "    telemetry: loud\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:8:23: devices[0].telemetry_window: must be 10ms..1h, got 2h",
        error(config("", "    telemetry_window: 2h\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:8:23: devices[0].telemetry_window: must be a duration like"
            + " 500ms or 2s, not a list or mapping",
        error(config("", "    telemetry_window: [1s]\n")));
    assertEquals(
        "/etc/edgerule/gateway.yaml:15:3: mqtt.namespace: sparkplug needs a 'sparkplug:' section"
            + " with group_id, e.g. sparkplug: {group_id: plant-1}",
        error(config("  namespace: sparkplug\n", "")));
  }
}
