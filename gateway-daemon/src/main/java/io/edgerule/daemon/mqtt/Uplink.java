package io.edgerule.daemon.mqtt;

import io.edgerule.mqtt.outbox.OutboundMessage;
import java.util.function.BiConsumer;

/**
 * The gateway's outbound channel to the fleet. Publishing never throws: a message that cannot be
 * kept is counted. {@link OutboxUplink} keeps every message in a disk-backed outbox until the
 * broker acknowledged it.
 */
public interface Uplink extends AutoCloseable {

  void publish(String topic, byte[] payload, int qos, boolean retained);

  /**
   * Publishes like {@link #publish(String, byte[], int, boolean)} and runs {@code done} exactly
   * once when the message has left the uplink: written (QoS 0) or acknowledged (QoS 1 and 2),
   * refused or dropped, or lost with the connection it went out on. Rule publications are counted
   * in flight with it ({@code RuleOutbox}). The default runs {@code done} right after publishing.
   */
  default void publish(String topic, byte[] payload, int qos, boolean retained, Runnable done) {
    try {
      publish(topic, payload, qos, retained);
    } finally {
      done.run();
    }
  }

  /**
   * Until the returned batch is closed, messages this thread publishes may wait to be sent until
   * the close (the outbox then wakes its sender once instead of once per message). For a caller
   * that publishes many messages in a row; close it in a {@code finally}. The default sends at
   * once.
   */
  default Batch batch() {
    return () -> {};
  }

  /** A {@link #batch()}. */
  interface Batch extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Publishes a message made by the fleet namespace. Its message class is for the store-and-forward
   * outbox; an uplink without one ignores it.
   */
  default void publish(OutboundMessage m) {
    publish(m.topic(), m.payload(), m.qos(), m.retain());
  }

  /**
   * {@link #publish(OutboundMessage)} with {@code done} as in {@link #publish(String, byte[], int,
   * boolean, Runnable)}.
   */
  default void publish(OutboundMessage m, Runnable done) {
    publish(m.topic(), m.payload(), m.qos(), m.retain(), done);
  }

  /**
   * Whether a message published now is sent (or refused) at once rather than kept in an offline
   * buffer: rule publications are handed over only then, so they never fill that buffer.
   */
  default boolean takesMessagesNow() {
    return isConnected();
  }

  /** Subscribes {@code handler} to a topic filter; re-subscribed after every reconnect. */
  void subscribe(String topicFilter, BiConsumer<String, byte[]> handler);

  boolean isConnected();

  /**
   * The MQTT transport under this uplink, for subscribers that need the broker's SUBACK and
   * unsubscribe (the OTA follower and its downloads); empty for an uplink without one.
   */
  default java.util.Optional<io.edgerule.mqtt.MqttTransport> transport() {
    return java.util.Optional.empty();
  }

  /**
   * Takes new connection settings ({@code mqtt.broker}, identity, credentials, TLS, timeouts) in
   * place, for a config reload: the connection is made again, messages not yet acknowledged stay
   * queued and go out on the new one, subscriptions and births follow. By default an uplink cannot
   * (none configured, or one an embedder gave): then the settings need a restart.
   *
   * @param gatewayId {@code gateway.id}, for the default client id
   * @return whether it took them
   * @throws java.io.IOException when a file the settings name cannot be used (the connection stays)
   */
  default boolean reconnect(io.edgerule.daemon.config.MqttConfig mqtt, String gatewayId)
      throws java.io.IOException {
    return false;
  }

  /** Messages accepted for sending since start. */
  long published();

  /** Messages dropped (buffer full while offline, or no uplink configured). */
  long dropped();

  /** This uplink's figures for the state message. */
  default io.edgerule.daemon.namespace.GatewayState.UplinkStatus status() {
    return new io.edgerule.daemon.namespace.GatewayState.UplinkStatus(
        isConnected(), published(), dropped(), null);
  }

  @Override
  void close();

  /** The uplink of a gateway configured without MQTT: everything is counted as dropped. */
  static Uplink none() {
    return new Uplink() {
      private final java.util.concurrent.atomic.AtomicLong dropped =
          new java.util.concurrent.atomic.AtomicLong();

      @Override
      public void publish(String topic, byte[] payload, int qos, boolean retained) {
        dropped.incrementAndGet();
      }

      @Override
      public void subscribe(String topicFilter, BiConsumer<String, byte[]> handler) {}

      @Override
      public boolean isConnected() {
        return false;
      }

      @Override
      public boolean takesMessagesNow() {
        return true; // counted as dropped at once, as every other message
      }

      @Override
      public long published() {
        return 0;
      }

      @Override
      public long dropped() {
        return dropped.get();
      }

      @Override
      public void close() {}
    };
  }
}
