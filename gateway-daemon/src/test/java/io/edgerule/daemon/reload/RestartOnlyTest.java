package io.edgerule.daemon.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.HttpSection;
import io.edgerule.daemon.config.OutboxSection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.TelemetrySettings;
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
}
