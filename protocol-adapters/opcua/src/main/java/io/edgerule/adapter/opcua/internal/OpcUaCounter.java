package io.edgerule.adapter.opcua.internal;

/**
 * An OPC-UA device's totals: each is the counter {@code edgerule_opcua_<name>_total{device}} and
 * the key {@code <name>} of the device's health counters (docs/reference/opcua.md,
 * docs/reference/metrics.md).
 */
public enum OpcUaCounter {
  CONNECT_ATTEMPTS("Connection attempts (session and subscription), successful or not.", false),
  CONNECTS("Connection attempts that ended with the subscription running.", false),
  CONNECTION_LOSSES("Sessions lost after they were up.", true),
  NOTIFICATIONS("Data-change notifications received.", false),
  DUPLICATES_DROPPED("Samples equal to the last one delivered, not delivered again.", false),
  STALE_DROPPED("Notifications older than one already delivered for the point (dropped).", false),
  BAD_VALUES("Samples delivered with a quality other than GOOD.", false),
  WRITES_OK("Writes the server accepted.", false),
  WRITES_REJECTED("Writes refused before or by the server (unknown, read-only, bad value).", false),
  WRITES_FAILED("Writes the server answered with an error.", true),
  WRITES_TIMEOUT("Writes not answered in time or made while not connected.", true);

  private final String help;
  private final boolean error;

  OpcUaCounter(String help, boolean error) {
    this.help = help;
    this.error = error;
  }

  /** What it counts (the metric's HELP text). */
  public String help() {
    return help;
  }

  /** Whether it also counts as an error of the device ({@code edgerule_device_errors_total}). */
  public boolean isError() {
    return error;
  }
}
