package io.edgerule.mqtt;

/**
 * Connection state changes of a {@link MqttTransport}. Called on the transport's own threads: do
 * not block (hand work to an executor).
 */
public interface ConnectionListener {

  /**
   * The connection is up and every subscription has been sent again.
   *
   * @param reconnect false for the first connection of this transport
   */
  default void up(boolean reconnect) {}

  /**
   * The connection went down, or an attempt to connect failed (then {@code wasUp} is false).
   *
   * @param reason one line saying why, e.g. "server certificate not trusted by ca.pem (...)"
   * @param cause the exception behind it, or null
   */
  default void down(String reason, Throwable cause, boolean wasUp) {}
}
