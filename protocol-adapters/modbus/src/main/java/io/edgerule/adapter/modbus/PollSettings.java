package io.edgerule.adapter.modbus;

import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Defaults and validation of the polling settings Modbus TCP devices and RTU slaves share, so both
 * configs accept and refuse exactly the same values with the same messages. Each method returns the
 * value to store (the default when {@code value} is null) or throws {@link
 * IllegalArgumentException} prefixed with {@code where} (the device, e.g. "modbus-tcp device
 * 'tank': ").
 */
final class PollSettings {
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);

  /**
   * The longest poll or integrity interval. The poller adds intervals to System.nanoTime(): far
   * longer ones overflow (toNanos() throws beyond 292 years, and sums wrap long before).
   */
  static final Duration MAX_INTERVAL = Duration.ofDays(365);

  private PollSettings() {}

  static Duration pollInterval(Duration value, String where) {
    Duration v = value == null ? Duration.ofSeconds(1) : value;
    check(
        v.compareTo(MIN_POLL_INTERVAL) >= 0,
        where,
        "poll_interval must be at least 10ms, got " + DurationText.format(v));
    check(
        v.compareTo(MAX_INTERVAL) <= 0,
        where,
        "poll_interval must be at most 365d, got " + DurationText.format(v));
    return v;
  }

  static int retries(Integer value, String where) {
    int v = value == null ? 1 : value;
    check(v >= 0 && v <= 10, where, "retries must be 0..10, got " + v);
    return v;
  }

  static int maxGap(Integer value, String where) {
    int v = value == null ? 8 : value;
    check(v >= 0 && v <= 124, where, "max_gap must be 0..124, got " + v);
    return v;
  }

  static int maxBitGap(Integer value, String where) {
    int v = value == null ? 128 : value;
    check(v >= 0 && v <= 1999, where, "max_bit_gap must be 0..1999, got " + v);
    return v;
  }

  static int maxRegisters(Integer value, String where) {
    int v = value == null ? 125 : value;
    check(
        v >= 1 && v <= 125,
        where,
        "max_registers must be 1..125 (the Modbus limit for one read), got " + v);
    return v;
  }

  static int maxBits(Integer value, String where) {
    int v = value == null ? 2000 : value;
    check(
        v >= 1 && v <= 2000,
        where,
        "max_bits must be 1..2000 (the Modbus limit for one read), got " + v);
    return v;
  }

  static Duration integrityInterval(Duration value, String where) {
    Duration v = value == null ? Duration.ofSeconds(60) : value;
    check(
        !v.isNegative(),
        where,
        "integrity_interval must be >= 0 (0 turns it off), got " + DurationText.format(v));
    check(
        v.compareTo(MAX_INTERVAL) <= 0,
        where,
        "integrity_interval must be at most 365d, got " + DurationText.format(v));
    return v;
  }

  /** At least one point, no empty entries, unique valid names, each readable in one request. */
  static List<ModbusPointConfig> points(
      String device, List<ModbusPointConfig> points, int maxRegisters, String where) {
    if (points == null || points.isEmpty()) {
      throw new IllegalArgumentException(where + "points: at least one point is required");
    }
    Set<String> names = new HashSet<>();
    for (ModbusPointConfig point : points) {
      if (point == null) {
        throw new IllegalArgumentException(where + "points: empty entry");
      }
      new PointId(device, point.name()); // validates both names with a clear message
      if (!names.add(point.name())) {
        throw new IllegalArgumentException(where + "point '" + point.name() + "' is defined twice");
      }
      if (!point.table().isBits() && point.width() > maxRegisters) {
        throw new IllegalArgumentException(
            where
                + "point '"
                + point.name()
                + "' ("
                + point.type().yamlName()
                + ") needs "
                + point.width()
                + " registers in one read but max_registers is "
                + maxRegisters);
      }
    }
    return List.copyOf(points);
  }

  static void check(boolean ok, String where, String message) {
    if (!ok) {
      throw new IllegalArgumentException(where + message);
    }
  }
}
