package io.edgerule.adapter.modbus;

import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.DurationText;
import java.time.Duration;
import java.util.List;

/**
 * One Modbus TCP device (a {@code devices:} entry with {@code protocol: modbus-tcp}). Every
 * component but {@code name}, {@code host} and {@code points} has a default; see
 * docs/reference/modbus.md for the YAML form.
 *
 * @param name the device name, the first segment of its point ids
 * @param host host name or IP address
 * @param port TCP port (default 502)
 * @param unitId the unit identifier in every request, 0..255 (default 1)
 * @param pollInterval time between the starts of two read cycles (default 1s)
 * @param timeout how long to wait for a response, and for a TCP connect (default 1s)
 * @param retries how often a read that timed out is sent again before its points go BAD (default 1)
 * @param reconnect backoff between connection attempts (default 500ms doubling up to 30s)
 * @param maxGap how many unused registers a coalesced read may span (default 8)
 * @param maxBitGap how many unused coils or discrete inputs a coalesced read may span (default 128:
 *     as many bytes on the wire as 8 registers)
 * @param maxRegisters the most registers one read may ask for, 1..125 (default 125)
 * @param maxBits the most coils or discrete inputs one read may ask for, 1..2000 (default 2000)
 * @param integrityInterval how often every point is reported even when unchanged (default 60s; 0
 *     turns the integrity report off)
 * @param points the device's points, at least one
 */
public record ModbusTcpDeviceConfig(
    String name,
    String host,
    Integer port,
    Integer unitId,
    Duration pollInterval,
    Duration timeout,
    Integer retries,
    Backoff reconnect,
    Integer maxGap,
    Integer maxBitGap,
    Integer maxRegisters,
    Integer maxBits,
    Duration integrityInterval,
    List<ModbusPointConfig> points)
    implements DeviceConfig {

  public static final int DEFAULT_PORT = 502;
  public static final Duration MIN_POLL_INTERVAL = PollSettings.MIN_POLL_INTERVAL;

  public ModbusTcpDeviceConfig {
    name = PollSettings.name(name);
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: required (a host name or IP address)");
    }
    port = port == null ? DEFAULT_PORT : port;
    PollSettings.check(port >= 1 && port <= 65535, "port", "must be 1..65535, got " + port);
    unitId = unitId == null ? 1 : unitId;
    PollSettings.check(unitId >= 0 && unitId <= 255, "unit_id", "must be 0..255, got " + unitId);
    pollInterval = PollSettings.pollInterval(pollInterval);
    timeout = timeout == null ? Duration.ofSeconds(1) : timeout;
    // at most a day: the connect timeout becomes an int of milliseconds (wraps after 24 days)
    PollSettings.check(
        !timeout.isNegative() && !timeout.isZero() && timeout.compareTo(Duration.ofDays(1)) <= 0,
        "timeout",
        "must be > 0 and at most 1d, got " + DurationText.format(timeout));
    reconnect = reconnect == null ? Backoff.DEFAULT : reconnect;
    retries = PollSettings.retries(retries);
    maxGap = PollSettings.maxGap(maxGap);
    maxBitGap = PollSettings.maxBitGap(maxBitGap);
    maxRegisters = PollSettings.maxRegisters(maxRegisters);
    maxBits = PollSettings.maxBits(maxBits);
    integrityInterval = PollSettings.integrityInterval(integrityInterval);
    points = PollSettings.points(name, points, maxRegisters);
  }

  /** A device with defaults for everything but where it is and its points. */
  public static ModbusTcpDeviceConfig of(
      String name, String host, int port, List<ModbusPointConfig> points) {
    return new ModbusTcpDeviceConfig(
        name, host, port, null, null, null, null, null, null, null, null, null, null, points);
  }
}
