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

  private static void check(String what, String topic, boolean wildcards) {
    if (topic == null || topic.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    try {
      MqttTopic.validate(topic, wildcards);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what
              + " '"
              + topic
              + "' is not a valid MQTT topic "
              + (wildcards ? "filter" : "name (no + or # allowed)")
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
