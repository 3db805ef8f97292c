package io.edgerule.mqtt.outbox.internal;

import io.edgerule.mqtt.outbox.MessageClass;

/** A message as stored: its outbox id (the order of appends) and the bytes it counts. */
public record StoredMessage(
    long id,
    String topic,
    byte[] payload,
    int qos,
    boolean retain,
    MessageClass messageClass,
    int size,
    long createdMillis) {}
