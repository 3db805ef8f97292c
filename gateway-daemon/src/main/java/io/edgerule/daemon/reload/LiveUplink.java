package io.edgerule.daemon.reload;

import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.MqttConfig;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code mqtt:} settings of the connection itself (broker, client id, credentials, TLS,
 * keep-alive, timeouts, backoff), which a reload applies by connecting the uplink again in place
 * ({@link io.edgerule.daemon.mqtt.Uplink#reconnect}): the outbox keeps what is queued. The
 * namespace's settings ({@code topic_prefix}, {@code namespace}, {@code sparkplug}, {@code
 * telemetry_qos}) shape topics, subscriptions and the births of a running session, and need a
 * restart ({@link RestartOnly}).
 */
final class LiveUplink {
  /** The components of {@link MqttConfig} this class handles, not {@link RestartOnly}. */
  static final Set<String> MQTT_FIELDS =
      Set.of(
          "broker",
          "clientId",
          "username",
          "password",
          "passwordFile",
          "tls",
          "keepAlive",
          "connectTimeout",
          "reconnectMax");

  private LiveUplink() {}

  /**
   * The connection settings that differ, by their path in the file; none when the {@code mqtt:}
   * section came or went (that needs a restart).
   */
  static List<String> changed(GatewayConfig running, GatewayConfig next) {
    List<String> out = new ArrayList<>();
    MqttConfig a = running.mqtt();
    MqttConfig b = next.mqtt();
    if (a == null || b == null) {
      return out;
    }
    for (RecordComponent c : MqttConfig.class.getRecordComponents()) {
      if (!MQTT_FIELDS.contains(c.getName())) {
        continue;
      }
      try {
        if (!Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
          out.add(
              "mqtt." + c.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT));
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot compare mqtt settings", e);
      }
    }
    return out;
  }

  /**
   * The {@code mqtt:} in effect after a reload: {@code running}'s, with {@code next}'s telemetry
   * settings, and its connection settings when the uplink took them.
   */
  static MqttConfig inEffect(MqttConfig running, MqttConfig next, boolean connectionApplied) {
    if (running == null || next == null) {
      return running;
    }
    MqttConfig c = connectionApplied ? next : running;
    return new MqttConfig(
        c.broker(),
        c.clientId(),
        c.username(),
        c.password(),
        c.passwordFile(),
        c.tls(),
        running.topicPrefix(),
        next.telemetry(),
        running.telemetryQos(),
        c.keepAlive(),
        c.connectTimeout(),
        c.reconnectMax(),
        running.namespace(),
        next.telemetryWindow(),
        running.sparkplug());
  }
}
