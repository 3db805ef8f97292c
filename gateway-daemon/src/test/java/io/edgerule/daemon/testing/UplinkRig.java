package io.edgerule.daemon.testing;

import io.edgerule.daemon.config.ByteSize;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.config.OutboxSection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.TelemetrySettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Gateway configs for the uplink tests: one {@link SequenceAdapter} device, telemetry at QoS 1. */
public final class UplinkRig {
  private UplinkRig() {}

  /**
   * @param telemetryBytes the outbox's telemetry budget
   * @param queueCapacity the pipeline's event queue (large: the tests count the uplink's losses,
   *     not the ingress queue's)
   */
  public static GatewayConfig config(
      String id,
      Path stateDir,
      String brokerUri,
      SequenceAdapter.Device device,
      FlushSetting flush,
      long telemetryBytes,
      int queueCapacity) {
    MqttConfig mqtt =
        new MqttConfig(
            URI.create(brokerUri),
            null,
            null,
            null,
            null,
            null,
            null,
            TelemetrySettings.Mode.PER_POINT,
            1, // QoS 1: acknowledged end to end, so "lost" means lost
            null,
            Duration.ofSeconds(5),
            Duration.ofSeconds(2), // reconnect soon after an outage: shorter tests
            null,
            null,
            null);
    PipelineConfig pipeline =
        new PipelineConfig(
            queueCapacity,
            null,
            null,
            Duration.ofSeconds(1),
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    OutboxSection outbox =
        new OutboxSection(
            null,
            flush,
            Map.of(
                "telemetry",
                new OutboxSection.BudgetSetting(new ByteSize(telemetryBytes), Duration.ofDays(1))),
            null);
    return new GatewayConfig(
        new GatewaySection(id, stateDir),
        List.of(device),
        List.of(),
        mqtt,
        pipeline,
        null,
        outbox,
        Map.of());
  }
}
