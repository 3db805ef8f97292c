package io.edgerule.adapter.modbus.internal;

/**
 * A Modbus device's totals (TCP devices and RTU units alike): each is the counter {@code
 * edgerule_modbus_<name>_total{device}} and the key {@code <name>} of the device's health counters;
 * documented in docs/reference/modbus.md and docs/reference/metrics.md.
 */
public enum DeviceCounter {
  REQUESTS("Requests sent (reads, writes, and each retry)."),
  RESPONSES("Normal responses received."),
  TIMEOUTS("Requests that got no answer in time."),
  EXCEPTIONS("Modbus exception responses."),
  GARBLED("Answers that did not make sense (wrong function code, too short)."),
  RETRIES("Reads sent again after a timeout or garbled answer."),
  CONNECT_ATTEMPTS("Connection attempts, successful or not."),
  RECONNECTS("Successful connections after the first one."),
  DISCONNECTS("Established connections that broke."),
  POLLS("Read cycles started."),
  OVERRUNS("Poll ticks that found the previous cycle still running."),
  SAMPLES("Samples delivered to the gateway."),
  WRITES("Write commands sent to the device."),
  WRITE_FAILURES("Writes the device refused or did not answer."),
  SPLIT_READS("Coalesced reads split into one read per point after an exception 02.");

  private final String help;

  DeviceCounter(String help) {
    this.help = help;
  }

  /** What it counts (the metric's HELP text). */
  public String help() {
    return help;
  }
}
