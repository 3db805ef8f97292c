package io.edgerule.adapter.modbus.internal.rtu;

/** The counters of one RTU bus (all its units together); see docs/reference/modbus.md. */
public enum BusCounter {
  REQUESTS("Requests put on the wire (probes and retries included)."),
  RESPONSES("Normal responses."),
  EXCEPTIONS("Exception responses."),
  TIMEOUTS("Requests no unit answered in time."),
  CRC_ERRORS("Answers with a wrong CRC."),
  INCOMPLETE_RESPONSES("Answers that stopped short."),
  GARBAGE_BYTES("Bytes that belonged to no valid frame (noise, glitches)."),
  LATE_RESPONSES("Valid frames that arrived after their request's timeout, or between requests."),
  FOREIGN_FRAMES("Valid frames from units not addressed at the time."),
  OPEN_ATTEMPTS("Attempts to open the port (or connect the socket)."),
  RECONNECTS("Successful opens after the first."),
  PORT_LOST("Times the open port failed (USB unplugged, pty closed, socket dropped)."),
  BUSY_MS("Milliseconds the line was busy with exchanges (bus load = busy_ms / elapsed ms).");

  private final String help;

  BusCounter(String help) {
    this.help = help;
  }

  /** What it counts (the metric's HELP text). */
  public String help() {
    return help;
  }
}
