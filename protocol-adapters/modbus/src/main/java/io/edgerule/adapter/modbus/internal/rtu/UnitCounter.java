package io.edgerule.adapter.modbus.internal.rtu;

/**
 * What one unit's view of the bus counts, next to its poller's counters (requests, timeouts,
 * exceptions, ...); see docs/reference/modbus.md.
 */
public enum UnitCounter {
  CRC_ERRORS("Answers from this unit with a wrong CRC."),
  GARBAGE_BYTES("Bytes that belonged to no valid frame while this unit's answer was awaited."),
  LATE_RESPONSES("Answers from this unit that came after the timeout (dropped)."),
  STOPPED_ANSWERING(
      "Times the unit stopped answering (its points went BAD until a probe got an answer).");

  private final String help;

  UnitCounter(String help) {
    this.help = help;
  }

  /** What it counts (the metric's HELP text). */
  public String help() {
    return help;
  }
}
