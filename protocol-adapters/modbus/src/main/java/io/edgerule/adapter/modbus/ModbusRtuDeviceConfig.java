package io.edgerule.adapter.modbus;

import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.PointId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One Modbus RTU slave (a {@code devices:} entry with {@code protocol: modbus-rtu}). Slaves whose
 * {@code bus.port} is the same share one bus, one request at a time; their {@code bus} settings
 * must be equal. See docs/reference/modbus.md for the YAML form.
 *
 * @param name the device name, the first segment of its point ids
 * @param bus the serial line it hangs on
 * @param unitId the slave address, 1..247 (default 1)
 * @param pollInterval time between the starts of two read cycles (default 1s)
 * @param retries how often a read that timed out or came back garbled is sent again before its
 *     points go BAD (default 1)
 * @param maxGap how many unused registers a coalesced read may span (default 8)
 * @param maxBitGap how many unused coils or discrete inputs a coalesced read may span (default 128)
 * @param maxRegisters the most registers one read may ask for, 1..125 (default 125)
 * @param maxBits the most coils or discrete inputs one read may ask for, 1..2000 (default 2000)
 * @param integrityInterval how often every point is reported even when unchanged (default 60s; 0
 *     turns it off)
 * @param points the device's points, at least one
 */
public record ModbusRtuDeviceConfig(
    String name,
    ModbusRtuBusConfig bus,
    Integer unitId,
    Duration pollInterval,
    Integer retries,
    Integer maxGap,
    Integer maxBitGap,
    Integer maxRegisters,
    Integer maxBits,
    Duration integrityInterval,
    List<ModbusPointConfig> points)
    implements DeviceConfig {

  public static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);

  public ModbusRtuDeviceConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("device name is required");
    }
    String where = "modbus-rtu device '" + name + "': ";
    if (bus == null) {
      throw new IllegalArgumentException(
          where + "bus is required, e.g. bus: {port: /dev/ttyUSB0, baud: 9600, parity: none}");
    }
    unitId = unitId == null ? 1 : unitId;
    check(
        unitId >= 1 && unitId <= 247,
        where,
        "unit_id must be 1..247 (0 is broadcast, 248-255 are reserved on a serial line), got "
            + unitId);
    pollInterval = pollInterval == null ? Duration.ofSeconds(1) : pollInterval;
    check(
        pollInterval.compareTo(MIN_POLL_INTERVAL) >= 0,
        where,
        "poll_interval must be at least 10ms, got " + pollInterval);
    retries = retries == null ? 1 : retries;
    check(retries >= 0 && retries <= 10, where, "retries must be 0..10, got " + retries);
    maxGap = maxGap == null ? 8 : maxGap;
    check(maxGap >= 0 && maxGap <= 124, where, "max_gap must be 0..124, got " + maxGap);
    maxBitGap = maxBitGap == null ? 128 : maxBitGap;
    check(
        maxBitGap >= 0 && maxBitGap <= 1999,
        where,
        "max_bit_gap must be 0..1999, got " + maxBitGap);
    maxRegisters = maxRegisters == null ? 125 : maxRegisters;
    check(
        maxRegisters >= 1 && maxRegisters <= 125,
        where,
        "max_registers must be 1..125 (the Modbus limit for one read), got " + maxRegisters);
    maxBits = maxBits == null ? 2000 : maxBits;
    check(
        maxBits >= 1 && maxBits <= 2000,
        where,
        "max_bits must be 1..2000 (the Modbus limit for one read), got " + maxBits);
    integrityInterval = integrityInterval == null ? Duration.ofSeconds(60) : integrityInterval;
    check(
        !integrityInterval.isNegative(),
        where,
        "integrity_interval must be >= 0 (0 turns it off), got " + integrityInterval);
    if (points == null || points.isEmpty()) {
      throw new IllegalArgumentException(where + "points: at least one point is required");
    }
    Set<String> names = new HashSet<>();
    for (ModbusPointConfig point : points) {
      if (point == null) {
        throw new IllegalArgumentException(where + "points: empty entry");
      }
      new PointId(name, point.name()); // validates both names with a clear message
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
    points = List.copyOf(points);
  }

  private static void check(boolean ok, String where, String message) {
    if (!ok) {
      throw new IllegalArgumentException(where + message);
    }
  }

  /** A slave with defaults for everything but its name, bus, unit id and points. */
  public static ModbusRtuDeviceConfig of(
      String name, ModbusRtuBusConfig bus, int unitId, List<ModbusPointConfig> points) {
    return new ModbusRtuDeviceConfig(
        name, bus, unitId, null, null, null, null, null, null, null, points);
  }
}
