package io.edgerule.daemon.reload;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.TelemetrySettings;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The settings a running gateway takes only at start: everything but {@code devices:} and {@code
 * rules:} (the state folder, the broker and the client's identity, the HTTP address, the pipeline's
 * queues and threads, the outbox, the rule limits, the OTA settings, a device's telemetry
 * settings). A reload that changes one reports it as needing a restart, by its path in the file,
 * and keeps running with the old value.
 */
final class RestartOnly {
  private RestartOnly() {}

  /** The restart-only settings that differ between {@code running} and {@code next}. */
  static List<String> changed(GatewayConfig running, GatewayConfig next) {
    List<String> out = new ArrayList<>();
    fields("gateway", running.gateway(), next.gateway(), out);
    fields("mqtt", running.mqtt(), next.mqtt(), out);
    fields("pipeline", running.pipeline(), next.pipeline(), out);
    fields("rule_limits", running.ruleLimits(), next.ruleLimits(), out);
    fields("outbox", running.outbox(), next.outbox(), out);
    fields("http", running.http(), next.http(), out);
    fields("ota", running.ota(), next.ota(), out);
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

  /** {@code section} or, for records, each of its components that differ. */
  private static void fields(String section, Object a, Object b, List<String> out) {
    if (Objects.equals(a, b)) {
      return;
    }
    if (a == null || b == null || a.getClass() != b.getClass() || !a.getClass().isRecord()) {
      out.add(section);
      return;
    }
    for (RecordComponent c : a.getClass().getRecordComponents()) {
      try {
        if (!Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
          out.add(section + "." + snake(c.getName()));
        }
      } catch (ReflectiveOperationException e) {
        out.add(section + "." + snake(c.getName()));
      }
    }
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
