package io.edgerule.adapter.modbus.internal.rtu;

import java.io.IOException;

/**
 * The byte pipe under an RTU bus: a serial port or a TCP socket to a serial device server. Used by
 * one thread at a time (the bus thread); only moves bytes, knows nothing of frames.
 */
public interface BusPort {

  /** Where it goes, for messages: "/dev/ttyUSB0", "tcp://10.0.0.5:4001". */
  String endpoint();

  /**
   * Opens the port, dropping anything received before.
   *
   * @throws IOException with a message a person can act on ("port /dev/ttyUSB0 not present")
   */
  void open() throws IOException;

  boolean isOpen();

  /**
   * Writes one frame.
   *
   * @throws IOException when the port is gone
   */
  void write(byte[] frame) throws IOException;

  /**
   * Reads what has arrived, waiting up to {@code waitNanos} for the first byte (0: do not wait).
   *
   * @return the number of bytes read into {@code buffer}, 0 when none came in time
   * @throws IOException when the port is gone
   */
  int read(byte[] buffer, long waitNanos) throws IOException;

  /** Closes the port; idempotent. */
  void close();
}
