package io.edgerule.ota.device;

/**
 * Where the updater reports every transition (the daemon publishes it retained on MQTT). Must not
 * block: a publisher that cannot send now keeps or drops the message itself; the store keeps the
 * last status and the updater publishes it again at the next start.
 */
@FunctionalInterface
public interface StatusPublisher {
  void publish(UpdateStatus status);
}
