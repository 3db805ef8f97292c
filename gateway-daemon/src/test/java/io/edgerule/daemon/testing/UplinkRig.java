package io.edgerule.daemon.testing;

import io.edgerule.adapter.DeviceConfig;
import io.edgerule.daemon.config.ByteSize;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.config.OutboxSection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.SparkplugConfig;
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
    return config(id, stateDir, brokerUri, device, flush, telemetryBytes, queueCapacity, null);
  }

  /** The same with the Sparkplug B namespace (group {@code plant}, edge node = {@code id}). */
  public static GatewayConfig sparkplug(
      String id, Path stateDir, String brokerUri, DeviceConfig device) {
    return config(
        id,
        stateDir,
        brokerUri,
        device,
        FlushSetting.DEFAULT,
        64L << 20,
        2_000_000,
        new SparkplugConfig("plant", null));
  }

  /**
   * Any one device; {@code sparkplug} null for the JSON namespace.
   *
   * @param telemetryBytes the outbox's telemetry budget
   * @param queueCapacity the pipeline's event queue
   */
  public static GatewayConfig config(
      String id,
      Path stateDir,
      String brokerUri,
      DeviceConfig device,
      FlushSetting flush,
      long telemetryBytes,
      int queueCapacity,
      SparkplugConfig sparkplug) {
    return config(
        id,
        stateDir,
        brokerUri,
        device,
        flush,
        telemetryBytes,
        queueCapacity,
        sparkplug,
        TelemetrySettings.DEFAULTS);
  }

  /** The same with the gateway's telemetry settings ({@code mqtt.telemetry}, its window). */
  public static GatewayConfig config(
      String id,
      Path stateDir,
      String brokerUri,
      DeviceConfig device,
      FlushSetting flush,
      long telemetryBytes,
      int queueCapacity,
      SparkplugConfig sparkplug,
      TelemetrySettings telemetry) {
    MqttConfig mqtt =
        new MqttConfig(
            URI.create(brokerUri),
            null,
            null,
            null,
            null,
            null,
            null,
            telemetry.mode(),
            1, // QoS 1: acknowledged end to end, so "lost" means lost
            null,
            Duration.ofSeconds(5),
            Duration.ofSeconds(2), // reconnect soon after an outage: shorter tests
            sparkplug == null ? null : MqttConfig.Namespace.SPARKPLUG,
            telemetry.window(),
            sparkplug);
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
        new GatewaySection(id, stateDir), List.of(device), List.of(), mqtt, pipeline, null, outbox);
  }
}
