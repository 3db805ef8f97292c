package io.edgerule.mqtt.outbox;

import java.util.concurrent.CompletionStage;

/**
 * Where the {@link Forwarder} sends messages: the stage completes when the broker has the message
 * (PUBACK for QoS 1) and fails otherwise. {@code io.edgerule.mqtt.MqttTransport::publish} is one.
 */
@FunctionalInterface
public interface Publisher {
  CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain);

  /**
   * The forwarder is about to publish messages in a row: the publisher may hold its socket writes
   * back until {@link #burstEnded()} and send them together ({@code MqttTransport#holdWrites}).
   */
  default void burstStarted() {}

  /**
   * The forwarder has nothing more to publish right now, or is about to wait: send what is held.
   */
  default void burstEnded() {}
}
