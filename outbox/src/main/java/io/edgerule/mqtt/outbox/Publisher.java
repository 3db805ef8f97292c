package io.edgerule.mqtt.outbox;

import java.util.concurrent.CompletionStage;

/**
 * Where the {@link Forwarder} sends messages: the stage completes when the broker has the message
 * (PUBACK for QoS 1) and fails otherwise. {@code io.edgerule.mqtt.MqttTransport::publish} is one.
 */
@FunctionalInterface
public interface Publisher {
  CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain);
}
