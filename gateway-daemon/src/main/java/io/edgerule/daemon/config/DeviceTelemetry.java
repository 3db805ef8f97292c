package io.edgerule.daemon.config;

import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.DurationText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the telemetry keys a device entry may carry besides its protocol's own ({@code telemetry:},
 * {@code telemetry_window:}). They belong to the gateway, not to the adapter, so the adapters'
 * config records never see them: the binding skips them (ConfigMapper's device mix-in) and this
 * reads them from the document.
 */
final class DeviceTelemetry {
  static final String TELEMETRY = "telemetry";
  static final String WINDOW = "telemetry_window";

  private DeviceTelemetry() {}

  /**
   * @return by device name, the settings of devices that override the gateway's
   */
  static Map<String, TelemetrySettings> read(
      List<DeviceConfig> devices, MqttConfig mqtt, YamlLocations where, Path file)
      throws ConfigException {
    Map<String, TelemetrySettings> out = new HashMap<>();
    TelemetrySettings gateway =
        mqtt == null ? TelemetrySettings.DEFAULTS : mqtt.telemetrySettings();
    for (int i = 0; i < devices.size(); i++) {
      String base = "devices[" + i + "].";
      String mode = where.scalar(base + TELEMETRY);
      String window = where.scalar(base + WINDOW);
      if (mode == null && window == null) {
        continue;
      }
      TelemetrySettings.Mode m = gateway.mode();
      Duration w = gateway.window();
      if (mode != null) {
        String path = base + TELEMETRY;
        try {
          if (mode == YamlLocations.NOT_SCALAR) {
            throw new IllegalArgumentException(
                "must be per_point, batch or off, not a list or mapping");
          }
          m = TelemetrySettings.Mode.of(mode);
        } catch (IllegalArgumentException e) {
          throw ConfigException.at(file, where.value(path), path + ": " + e.getMessage());
        }
      }
      if (window != null) {
        String path = base + WINDOW;
        try {
          if (window == YamlLocations.NOT_SCALAR) {
            throw new IllegalArgumentException(
                "must be a duration like 500ms or 2s, not a list or mapping");
          }
          w = DurationText.parse(window);
          TelemetrySettings.checkWindow(WINDOW, w);
        } catch (IllegalArgumentException e) {
          String why = e.getMessage();
          why = why.startsWith(WINDOW + ": ") ? why.substring(WINDOW.length() + 2) : why;
          throw ConfigException.at(file, where.value(path), path + ": " + why);
        }
      }
      out.put(devices.get(i).name(), new TelemetrySettings(m, w));
    }
    return out;
  }
}
