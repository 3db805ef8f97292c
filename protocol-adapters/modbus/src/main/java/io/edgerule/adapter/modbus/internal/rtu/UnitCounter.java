package io.edgerule.adapter.modbus.internal.rtu;

/**
 * What one unit's view of the bus counts, next to its poller's counters (requests, timeouts,
 * exceptions, ...); see docs/reference/modbus.md.
 */
public enum UnitCounter {
  /** Answers from this unit with a wrong CRC. */
  CRC_ERRORS,
  /** Bytes that belonged to no valid frame while this unit's answer was awaited. */
  GARBAGE_BYTES,
  /** Answers from this unit that came after the timeout (dropped). */
  LATE_RESPONSES,
  /** Times the unit stopped answering (its points went BAD until a probe got an answer). */
  STOPPED_ANSWERING
}
