package io.edgerule.daemon.reload;

import io.edgerule.daemon.config.GatewayConfig;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The settings a running gateway takes only at start: everything but {@code devices:}, {@code
 * rules:}, the telemetry settings ({@link LiveTelemetry}) and the uplink's connection ({@link
 * LiveUplink}): the state folder, the MQTT namespace and topics, the HTTP address, the pipeline's
 * queues and threads, the outbox, the rule limits, the OTA settings. A reload that changes one
 * reports it as needing a restart, by its path in the file, and keeps running with the old value.
 */
final class RestartOnly {
  private RestartOnly() {}

  /** The restart-only settings that differ between {@code running} and {@code next}. */
  static List<String> changed(GatewayConfig running, GatewayConfig next) {
    List<String> out = new ArrayList<>();
    fields("gateway", running.gateway(), next.gateway(), Set.of(), out);
    Set<String> live = new HashSet<>(LiveTelemetry.MQTT_FIELDS);
    live.addAll(LiveUplink.MQTT_FIELDS); // the reloader lists them if the uplink cannot take them
    fields("mqtt", running.mqtt(), next.mqtt(), live, out);
    fields("pipeline", running.pipeline(), next.pipeline(), Set.of(), out);
    fields("rule_limits", running.ruleLimits(), next.ruleLimits(), Set.of(), out);
    fields("outbox", running.outbox(), next.outbox(), Set.of(), out);
    fields("http", running.http(), next.http(), Set.of(), out);
    fields("ota", running.ota(), next.ota(), Set.of(), out);
    return out;
  }

  /**
   * {@code section} or, for records, each of its components that differ, but for those in {@code
   * live} (a reload applies them).
   */
  private static void fields(
      String section, Object a, Object b, Set<String> live, List<String> out) {
    if (Objects.equals(a, b)) {
      return;
    }
    if (a == null || b == null || a.getClass() != b.getClass() || !a.getClass().isRecord()) {
      out.add(section);
      return;
    }
    for (RecordComponent c : a.getClass().getRecordComponents()) {
      if (live.contains(c.getName())) {
        continue;
      }
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
