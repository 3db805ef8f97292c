package io.edgerule.mqtt;

import org.eclipse.paho.client.mqttv3.MqttTopic;

/** MQTT topic names and filters, checked before they reach Paho (which throws bare messages). */
final class Topics {
  private Topics() {}

  static void requireTopicName(String what, String topic) {
    check(what, topic, false);
  }

  static void requireFilter(String what, String filter) {
    check(what, filter, true);
  }

  static void requireNonEmpty(String what, String topic) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
  }

  /** The complaint about a topic name Paho's own check refused ({@code cause}). */
  static IllegalArgumentException invalidName(String what, String topic, Exception cause) {
    return invalid(what, topic, false, cause);
  }

  private static void check(String what, String topic, boolean wildcards) {
    requireNonEmpty(what, topic);
    try {
      MqttTopic.validate(topic, wildcards);
    } catch (IllegalArgumentException e) {
      throw invalid(what, topic, wildcards, e);
    }
  }

  private static IllegalArgumentException invalid(
      String what, String topic, boolean wildcards, Exception cause) {
    return new IllegalArgumentException(
        what
            + " '"
            + topic
            + "' is not a valid MQTT topic "
            + (wildcards ? "filter" : "name (no + or # allowed)")
            + ": "
            + cause.getMessage(),
        cause);
  }
}
