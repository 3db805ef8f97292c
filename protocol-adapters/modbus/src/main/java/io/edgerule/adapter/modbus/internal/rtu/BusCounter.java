package io.edgerule.adapter.modbus.internal.rtu;

/** The counters of one RTU bus (all its units together); see docs/reference/modbus.md. */
public enum BusCounter {
  /** Requests put on the wire (probes and retries included). */
  REQUESTS,
  /** Normal responses. */
  RESPONSES,
  /** Exception responses. */
  EXCEPTIONS,
  /** Requests no unit answered in time. */
  TIMEOUTS,
  /** Answers with a wrong CRC. */
  CRC_ERRORS,
  /** Answers that stopped short. */
  INCOMPLETE_RESPONSES,
  /** Bytes that belonged to no valid frame (noise, glitches). */
  GARBAGE_BYTES,
  /** Valid frames that arrived after their request's timeout, or between requests. */
  LATE_RESPONSES,
  /** Valid frames from units not addressed at the time. */
  FOREIGN_FRAMES,
  /** Attempts to open the port (or connect the socket). */
  OPEN_ATTEMPTS,
  /** Successful opens after the first. */
  RECONNECTS,
  /** Times the open port failed (USB unplugged, pty closed, socket dropped). */
  PORT_LOST,
  /** Milliseconds the line was busy with exchanges (bus load = busy_ms / elapsed ms). */
  BUSY_MS
}
