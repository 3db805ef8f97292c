package io.edgerule.sim.modbus;

import java.io.IOException;

/** The slave's side of an RTU line: a serial port or a TCP socket carrying RTU frames. */
interface RtuLine {

  /**
   * Opens the line (a serial port, a listening socket).
   *
   * @throws IOException when it cannot be opened now
   */
  void open() throws IOException;

  /**
   * Reads what arrived, waiting up to about {@code waitMillis}; 0 when nothing came.
   *
   * @throws IOException when the line broke (the simulator reopens it)
   */
  int read(byte[] buffer, int waitMillis) throws IOException;

  /** Writes bytes; dropped when nobody is attached (a TCP line without a client). */
  void write(byte[] bytes) throws IOException;

  /** "serial /tmp/rtu-sim", "tcp 127.0.0.1:40123". */
  String describe();

  /** Closes the line; idempotent. */
  void close();
}
