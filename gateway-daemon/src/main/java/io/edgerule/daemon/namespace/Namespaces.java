package io.edgerule.daemon.namespace;

import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;

/** Makes the fleet namespace {@code mqtt.namespace} names. */
public final class Namespaces {
  private Namespaces() {}

  /**
   * @param mqtt null when the gateway has no uplink: the JSON namespace under the default prefix
   *     (its messages are counted as dropped)
   */
  public static FleetNamespace create(MqttConfig mqtt, String gatewayId) {
    if (mqtt == null) {
      return new JsonNamespace(new JsonTopics("edgerule", gatewayId));
    }
    return switch (mqtt.namespace()) {
      case JSON ->
          new JsonNamespace(new JsonTopics(mqtt.topicPrefix(), gatewayId), mqtt.telemetryQos());
      case SPARKPLUG ->
          throw new IllegalStateException(
              "mqtt.namespace: sparkplug is not available in this build");
    };
  }
}
