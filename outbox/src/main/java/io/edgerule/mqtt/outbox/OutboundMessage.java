package io.edgerule.mqtt.outbox;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One message for the broker. The payload array is not copied: do not change it after handing it
 * over.
 */
public record OutboundMessage(
    String topic, byte[] payload, int qos, boolean retain, MessageClass messageClass) {

  /** Bookkeeping bytes counted per stored message on top of topic and payload. */
  static final int OVERHEAD = 32;

  public OutboundMessage {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(messageClass, "messageClass");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("topic is empty");
    }
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos);
    }
  }

  /** What the message counts against its class's byte budget. */
  public int size() {
    return payload.length + topic.getBytes(StandardCharsets.UTF_8).length + OVERHEAD;
  }
}
