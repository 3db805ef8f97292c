package io.edgerule.daemon.reload;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.pipeline.TelemetryAtIngress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The telemetry settings a reload applies live: {@code mqtt.telemetry}, {@code
 * mqtt.telemetry_window} and a device's {@code telemetry:} and {@code telemetry_window:}. They only
 * steer how the ingress's journal turns events into messages, so they change between two events
 * without touching a device, the uplink or the outbox. The rest of {@code mqtt:} needs a restart
 * ({@link RestartOnly}).
 */
final class LiveTelemetry {
  /** The components of {@link MqttConfig} this class handles, not {@link RestartOnly}. */
  static final Set<String> MQTT_FIELDS = Set.of("telemetry", "telemetryWindow");

  private LiveTelemetry() {}

  /** The telemetry settings that differ, by their path in the file. */
  static List<String> changed(GatewayConfig running, GatewayConfig next) {
    List<String> out = new ArrayList<>();
    if (running.mqtt() != null && next.mqtt() != null) {
      if (running.mqtt().telemetry() != next.mqtt().telemetry()) {
        out.add("mqtt.telemetry");
      }
      if (!running.mqtt().telemetryWindow().equals(next.mqtt().telemetryWindow())) {
        out.add("mqtt.telemetry_window");
      }
    }
    Map<String, TelemetrySettings> a = running.deviceTelemetry();
    Map<String, TelemetrySettings> b = next.deviceTelemetry();
    TreeSet<String> devices = new TreeSet<>(a.keySet());
    devices.addAll(b.keySet());
    for (String device : devices) {
      if (!Objects.equals(a.get(device), b.get(device))) {
        out.add("devices[" + device + "].telemetry");
      }
    }
    return out;
  }

  /**
   * The gateway's settings after a reload to {@code next}: the new ones, unless the {@code mqtt:}
   * section came or went (that needs a restart, and the running uplink's settings stay).
   */
  static TelemetrySettings gateway(GatewayConfig running, GatewayConfig next) {
    return TelemetryAtIngress.of(
        running.mqtt() != null && next.mqtt() != null ? next.mqtt() : running.mqtt());
  }
}
