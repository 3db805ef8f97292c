package io.edgerule.daemon.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.sandbox.RuleLimits;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole gateway configuration, bound from one YAML file by {@link ConfigLoader}. Each concern
 * has its own typed record; nothing is an untyped map.
 *
 * @param mqtt null when the gateway runs without an uplink (rules still act on devices)
 * @param outbox the uplink's disk-backed outbox ({@code outbox:})
 * @param ruleLimits the ceiling for every rule's limits ({@code rule_limits:}); unset limits take
 *     {@link RuleLimits#hostDefaults()}
 * @param http the status page, health and metrics server ({@code http:}); on by default
 * @param ota over-the-air rule updates ({@code ota:}); off by default
 * @param deviceTelemetry the telemetry settings of devices whose entry overrides the gateway's
 *     ({@code telemetry:}, {@code telemetry_window:} in the device's entry), by device name; read
 *     by {@link DeviceTelemetry}, not bound from a key of its own
 */
public record GatewayConfig(
    GatewaySection gateway,
    List<DeviceConfig> devices,
    List<RuleConfig> rules,
    MqttConfig mqtt,
    PipelineConfig pipeline,
    RuleLimits ruleLimits,
    OutboxSection outbox,
    HttpSection http,
    OtaSection ota,
    @JsonIgnore Map<String, TelemetrySettings> deviceTelemetry) {

  public GatewayConfig {
    Objects.requireNonNull(gateway, "'gateway' section is required");
    devices = devices == null ? List.of() : noEmptyEntries("devices", devices);
    rules = rules == null ? List.of() : noEmptyEntries("rules", rules);
    pipeline = pipeline == null ? PipelineConfig.DEFAULTS : pipeline;
    ruleLimits = ruleLimits == null ? RuleLimits.hostDefaults() : ruleLimits;
    outbox = outbox == null ? OutboxSection.DEFAULTS : outbox;
    http = http == null ? HttpSection.DEFAULTS : http;
    ota = ota == null ? OtaSection.DEFAULTS : ota;
    if (ota.enabled() && mqtt == null) {
      throw new IllegalArgumentException(
          "ota.enabled: the gateway follows rollouts over MQTT: needs an 'mqtt:' section");
    }
    deviceTelemetry = deviceTelemetry == null ? Map.of() : Map.copyOf(deviceTelemetry);
  }

  /**
   * A config built in code (embedding, tests) whose devices all use the gateway's telemetry
   * settings. It serves no HTTP: several such gateways run in one JVM, and the default port is one.
   */
  public GatewayConfig(
      GatewaySection gateway,
      List<DeviceConfig> devices,
      List<RuleConfig> rules,
      MqttConfig mqtt,
      PipelineConfig pipeline,
      RuleLimits ruleLimits,
      OutboxSection outbox) {
    this(
        gateway,
        devices,
        rules,
        mqtt,
        pipeline,
        ruleLimits,
        outbox,
        HttpSection.off(),
        null,
        Map.of());
  }

  /** As above, with the default outbox. */
  public GatewayConfig(
      GatewaySection gateway,
      List<DeviceConfig> devices,
      List<RuleConfig> rules,
      MqttConfig mqtt,
      PipelineConfig pipeline,
      RuleLimits ruleLimits) {
    this(
        gateway,
        devices,
        rules,
        mqtt,
        pipeline,
        ruleLimits,
        null,
        HttpSection.off(),
        null,
        Map.of());
  }

  /** This config with another {@code http:} section. */
  public GatewayConfig withHttp(HttpSection section) {
    return new GatewayConfig(
        gateway, devices, rules, mqtt, pipeline, ruleLimits, outbox, section, ota, deviceTelemetry);
  }

  /** This config with another {@code ota:} section. */
  public GatewayConfig withOta(OtaSection section) {
    return new GatewayConfig(
        gateway,
        devices,
        rules,
        mqtt,
        pipeline,
        ruleLimits,
        outbox,
        http,
        section,
        deviceTelemetry);
  }

  private static <T> List<T> noEmptyEntries(String section, List<T> entries) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) == null) {
        throw new IllegalArgumentException(
            section + "[" + i + "]: empty entry (a '-' with nothing after it)");
      }
    }
    return List.copyOf(entries);
  }
}
