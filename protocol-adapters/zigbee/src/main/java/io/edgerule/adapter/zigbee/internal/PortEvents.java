package io.edgerule.adapter.zigbee.internal;

/**
 * What a {@link GuardedZigbeePort} tells the adapter about its line (called from its reader
 * thread).
 */
public interface PortEvents {
  /** A whole, valid XBee frame from the dongle, before the library sees it. */
  void frame(byte[] frameData);

  /**
   * The library has read and handled {@code frameData}: its parser thread came back for more after
   * the frame's last byte (it handles a frame on that thread before reading on).
   */
  void handled(byte[] frameData);

  /** A whole frame the library wrote to the dongle. */
  default void sent(byte[] frameData) {}

  /** A frame from the dongle that was dropped, and why. */
  void dropped(XBeeFrameGuard.Drop kind, String reason);

  /**
   * A request the library sent will get no answer from the dongle (the line was lost); the port has
   * answered it with a failure.
   */
  void requestLost(String description);

  /** The line (re)opened. */
  void connected(String description);

  /** The line was lost; the port reconnects by itself with backoff. */
  void disconnected(String reason);
}
