package io.edgerule.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.HttpSection;
import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.config.OutboxSection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.TelemetrySettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Settings read only at start are named by their path when a reload changes them; the telemetry
 * settings, applied live, are not among them.
 */
class RestartOnlyTest {
  private static GatewayConfig config(
      Path stateDir, Duration health, HttpSection http, Map<String, TelemetrySettings> telemetry) {
    return new GatewayConfig(
        new GatewaySection("gw", stateDir),
        List.of(),
        List.of(),
        null,
        new PipelineConfig(1000, 64, 1, health),
        null,
        OutboxSection.DEFAULTS,
        http,
        null,
        telemetry);
  }

  @Test
  void namesEachChangedSettingAndNothingElse() {
    GatewayConfig running =
        config(Path.of("/var/lib/a"), Duration.ofSeconds(5), HttpSection.DEFAULTS, Map.of());
    assertEquals(List.of(), RestartOnly.changed(running, running));
    assertEquals(
        List.of(),
        RestartOnly.changed(
            running,
            config(Path.of("/var/lib/a"), Duration.ofSeconds(5), HttpSection.DEFAULTS, Map.of())),
        "an equal config built again");
    GatewayConfig next =
        config(
            Path.of("/var/lib/b"),
            Duration.ofSeconds(7),
            new HttpSection(true, "0.0.0.0", 9470),
            Map.of("tank", new TelemetrySettings(TelemetrySettings.Mode.OFF, null)));
    assertEquals(
        List.of("gateway.state_dir", "pipeline.health_interval", "http.address"),
        RestartOnly.changed(running, next));
    // A device's telemetry settings are applied live, not restart-only.
    assertEquals(List.of("devices[tank].telemetry"), LiveTelemetry.changed(running, next));
    assertEquals(List.of(), LiveTelemetry.changed(running, running));
  }

  private static GatewayConfig withMqtt(String broker, String prefix, String window) {
    MqttConfig mqtt =
        new MqttConfig(
            URI.create(broker),
            null,
            null,
            null,
            null,
            null,
            prefix,
            null,
            null,
            null,
            null,
            null,
            null,
            Duration.parse(window),
            null);
    return new GatewayConfig(
        new GatewaySection("gw", Path.of("/var/lib/a")),
        List.of(),
        List.of(),
        mqtt,
        null,
        null,
        OutboxSection.DEFAULTS,
        HttpSection.DEFAULTS,
        null,
        Map.of());
  }

  @Test
  void theConnectionAndTheTelemetryAreLiveTheNamespaceNeedsARestart() {
    GatewayConfig running = withMqtt("tcp://a:1883", "edgerule", "PT1S");
    GatewayConfig next = withMqtt("tcp://b:1883", "plant", "PT2S");
    assertEquals(List.of("mqtt.broker"), LiveUplink.changed(running, next));
    assertEquals(List.of("mqtt.telemetry_window"), LiveTelemetry.changed(running, next));
    assertEquals(List.of("mqtt.topic_prefix"), RestartOnly.changed(running, next));
    MqttConfig kept = LiveUplink.inEffect(running.mqtt(), next.mqtt(), false);
    assertEquals("tcp://a:1883", kept.broker().toString(), "not taken: the old connection");
    assertEquals(Duration.ofSeconds(2), kept.telemetryWindow(), "telemetry always taken");
    assertEquals("edgerule", kept.topicPrefix(), "restart-only: the old value");
    MqttConfig taken = LiveUplink.inEffect(running.mqtt(), next.mqtt(), true);
    assertEquals("tcp://b:1883", taken.broker().toString());
    assertEquals("edgerule", taken.topicPrefix());
  }
}
