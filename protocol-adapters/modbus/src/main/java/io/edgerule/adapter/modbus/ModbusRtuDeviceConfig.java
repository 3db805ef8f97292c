package io.edgerule.adapter.modbus;

import io.edgerule.adapter.DeviceConfig;
import java.time.Duration;
import java.util.List;

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

  public static final Duration MIN_POLL_INTERVAL = PollSettings.MIN_POLL_INTERVAL;

  public ModbusRtuDeviceConfig {
    name = PollSettings.name(name);
    if (bus == null) {
      throw new IllegalArgumentException(
          "bus: required, e.g. bus: {port: /dev/ttyUSB0, baud: 9600, parity: none}");
    }
    unitId = unitId == null ? 1 : unitId;
    PollSettings.check(
        unitId >= 1 && unitId <= 247,
        "unit_id",
        "must be 1..247 (0 is broadcast, 248-255 are reserved on a serial line), got " + unitId);
    pollInterval = PollSettings.pollInterval(pollInterval);
    retries = PollSettings.retries(retries);
    maxGap = PollSettings.maxGap(maxGap);
    maxBitGap = PollSettings.maxBitGap(maxBitGap);
    maxRegisters = PollSettings.maxRegisters(maxRegisters);
    maxBits = PollSettings.maxBits(maxBits);
    integrityInterval = PollSettings.integrityInterval(integrityInterval);
    points = PollSettings.points(name, points, maxRegisters);
  }

  /** A slave with defaults for everything but its name, bus, unit id and points. */
  public static ModbusRtuDeviceConfig of(
      String name, ModbusRtuBusConfig bus, int unitId, List<ModbusPointConfig> points) {
    return new ModbusRtuDeviceConfig(
        name, bus, unitId, null, null, null, null, null, null, null, points);
  }
}
