package io.edgerule.mqtt;

/** A message the broker delivered for one of our subscriptions. */
public record InboundMessage(
    String topic, byte[] payload, int qos, boolean retained, boolean duplicate) {}
