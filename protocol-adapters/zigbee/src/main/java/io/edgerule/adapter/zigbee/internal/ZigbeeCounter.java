package io.edgerule.adapter.zigbee.internal;

/**
 * A Zigbee device's totals: each is the counter {@code edgerule_zigbee_<name>_total{device}} and
 * the key {@code <name>} of the device's health counters (docs/reference/zigbee.md,
 * docs/reference/metrics.md).
 */
public enum ZigbeeCounter {
  REPORTS("Attribute reports received for the device's points."),
  WRITES("Writes sent to the device."),
  WRITE_FAILURES("Writes the device refused, did not answer, or that could not be delivered.");

  private final String help;

  ZigbeeCounter(String help) {
    this.help = help;
  }

  /** What it counts (the metric's HELP text). */
  public String help() {
    return help;
  }
}
