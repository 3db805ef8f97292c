package io.edgerule.adapter.zigbee.internal;

/**
 * A Zigbee coordinator's (dongle's) totals: each is the counter {@code
 * edgerule_zigbee_coordinator_<name>_total{device}} and the key {@code <name>} of the coordinator's
 * health counters (docs/reference/zigbee.md, docs/reference/metrics.md).
 */
public enum CoordinatorCounter {
  FRAMES_IN("Frames received from the dongle."),
  CHECKSUM_ERRORS("Frames from the dongle with a wrong checksum (dropped)."),
  TRUNCATED_FRAMES("Frames from the dongle that stopped short (dropped)."),
  BAD_LENGTHS("Frames from the dongle with an impossible length (dropped)."),
  RECONNECTS("Times the link to the dongle went down (it is then opened again)."),
  REQUESTS_LOST("Requests the dongle reported it could not deliver."),
  DONGLE_RESETS("Times the dongle reset by itself (modem status).");

  private final String help;

  CoordinatorCounter(String help) {
    this.help = help;
  }

  /** What it counts (the metric's HELP text). */
  public String help() {
    return help;
  }
}
