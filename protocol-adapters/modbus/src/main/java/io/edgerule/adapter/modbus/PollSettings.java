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
 * IllegalArgumentException} whose message starts with the field ("poll_interval: must be at least
 * 10ms, got 5ms"), so that the config loader points at that field's line (see {@link
 * io.edgerule.adapter.DeviceConfig}).
 */
final class PollSettings {
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);

  /**
   * The longest poll or integrity interval. The poller adds intervals to System.nanoTime(): far
   * longer ones overflow (toNanos() throws beyond 292 years, and sums wrap long before).
   */
  static final Duration MAX_INTERVAL = Duration.ofDays(365);

  private PollSettings() {}

  /** The device name: required, and usable as the first segment of point ids. */
  static String name(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: every device needs a name");
    }
    try {
      new PointId(name, "x");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("name: " + e.getMessage());
    }
    return name;
  }

  static Duration pollInterval(Duration value) {
    Duration v = value == null ? Duration.ofSeconds(1) : value;
    check(
        v.compareTo(MIN_POLL_INTERVAL) >= 0,
        "poll_interval",
        "must be at least 10ms, got " + DurationText.format(v));
    check(
        v.compareTo(MAX_INTERVAL) <= 0,
        "poll_interval",
        "must be at most 365d, got " + DurationText.format(v));
    return v;
  }

  static int retries(Integer value) {
    int v = value == null ? 1 : value;
    check(v >= 0 && v <= 10, "retries", "must be 0..10, got " + v);
    return v;
  }

  static int maxGap(Integer value) {
    int v = value == null ? 8 : value;
    check(v >= 0 && v <= 124, "max_gap", "must be 0..124, got " + v);
    return v;
  }

  static int maxBitGap(Integer value) {
    int v = value == null ? 128 : value;
    check(v >= 0 && v <= 1999, "max_bit_gap", "must be 0..1999, got " + v);
    return v;
  }

  static int maxRegisters(Integer value) {
    int v = value == null ? 125 : value;
    check(
        v >= 1 && v <= 125,
        "max_registers",
        "must be 1..125 (the Modbus limit for one read), got " + v);
    return v;
  }

  static int maxBits(Integer value) {
    int v = value == null ? 2000 : value;
    check(
        v >= 1 && v <= 2000,
        "max_bits",
        "must be 1..2000 (the Modbus limit for one read), got " + v);
    return v;
  }

  static Duration integrityInterval(Duration value) {
    Duration v = value == null ? Duration.ofSeconds(60) : value;
    check(
        !v.isNegative(),
        "integrity_interval",
        "must be >= 0 (0 turns it off), got " + DurationText.format(v));
    check(
        v.compareTo(MAX_INTERVAL) <= 0,
        "integrity_interval",
        "must be at most 365d, got " + DurationText.format(v));
    return v;
  }

  /** At least one point, no empty entries, unique valid names, each readable in one request. */
  static List<ModbusPointConfig> points(
      String device, List<ModbusPointConfig> points, int maxRegisters) {
    if (points == null || points.isEmpty()) {
      throw new IllegalArgumentException("points: at least one point is required");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < points.size(); i++) {
      ModbusPointConfig point = points.get(i);
      String at = "points[" + i + "]";
      if (point == null) {
        throw new IllegalArgumentException(at + ": empty entry");
      }
      try {
        new PointId(device, point.name()); // validates both names with a clear message
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ".name: " + e.getMessage());
      }
      if (!names.add(point.name())) {
        throw new IllegalArgumentException(
            at + ".name: point '" + point.name() + "' is defined twice");
      }
      if (!point.table().isBits() && point.width() > maxRegisters) {
        throw new IllegalArgumentException(
            "max_registers: point '"
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

  /** Throws "field: problem" unless {@code ok}. */
  static void check(boolean ok, String field, String problem) {
    if (!ok) {
      throw new IllegalArgumentException(field + ": " + problem);
    }
  }
}
