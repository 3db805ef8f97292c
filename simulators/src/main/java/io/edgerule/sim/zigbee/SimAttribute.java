package io.edgerule.sim.zigbee;

/**
 * One attribute of a virtual device's server cluster, with the reporting configuration the
 * coordinator set (ZCL Configure Reporting) and what was last reported.
 */
final class SimAttribute {
  /** As a maximum reporting interval: do not report this attribute at all. */
  static final int REPORTING_OFF = 0xFFFF;

  final int id;
  final ZclType type;
  final boolean writable;
  private volatile Object value;

  boolean reporting;
  int minInterval;
  int maxInterval;
  double reportableChange;
  long lastReportMillis;
  Object lastReported;

  SimAttribute(int id, ZclType type, Object value, boolean writable) {
    this.id = id;
    this.type = type;
    this.value = value;
    this.writable = writable;
  }

  Object value() {
    return value;
  }

  void set(Object newValue) {
    value = newValue;
  }

  long longValue() {
    return ((Number) value).longValue();
  }

  /** Whether a report is due at {@code now}: the change rule after the minimum, or the maximum. */
  boolean reportDue(long now) {
    if (!reporting) {
      return false;
    }
    long since = now - lastReportMillis;
    if (maxInterval != 0 && maxInterval != REPORTING_OFF && since >= maxInterval * 1000L) {
      return true;
    }
    return since >= minInterval * 1000L && changedEnough();
  }

  private boolean changedEnough() {
    if (lastReported == null) {
      return true;
    }
    if (type.isAnalog()) {
      double delta =
          Math.abs(((Number) value).doubleValue() - ((Number) lastReported).doubleValue());
      return reportableChange <= 0 ? delta > 0 : delta >= reportableChange;
    }
    return !value.equals(lastReported);
  }

  void markReported(long now) {
    lastReportMillis = now;
    lastReported = value;
  }
}
