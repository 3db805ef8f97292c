package io.edgerule.mqtt;

/**
 * Why a publish did not reach the broker. The message was not (or not knowingly) accepted by the
 * broker: the caller keeps it and may send it again (QoS 1 allows the duplicate).
 */
public final class PublishException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What went wrong, for a caller that reacts differently to each. */
  public enum Reason {
    /** Not connected when the publish was made: nothing was sent. */
    NOT_CONNECTED,
    /** {@code max_in_flight} publishes are unacknowledged: nothing was sent; wait for capacity. */
    WINDOW_FULL,
    /** The connection broke before the broker acknowledged: it may or may not have the message. */
    CONNECTION_LOST,
    /** The transport was closed. */
    CLOSED,
    /** Paho refused the publish for another reason (see the cause). */
    REFUSED
  }

  private final Reason reason;

  public PublishException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  static void requireQos(int qos) {
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + qos);
    }
  }
}
