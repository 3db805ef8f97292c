package io.edgerule.adapter.zigbee;

import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointId;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One Zigbee coordinator dongle ({@code protocol: zigbee}). YAML keys are the components in
 * snake_case:
 *
 * <pre>
 * - protocol: zigbee
 *   name: zigbee                 # the coordinator's own points: zigbee/permit_join, zigbee/online
 *   port: /dev/ttyUSB0           # or tcp://192.168.1.20:6638 (ser2net, Ethernet coordinators)
 *   baud: 9600
 *   flow_control: none           # none | rts_cts | xon_xoff
 *   dongle: xbee
 *   channel: 15                  # 11..26; omit to let the dongle choose
 *   permit_join: 0s              # join window opened at start
 *   devices:                     # optional names; others are named by IEEE address
 *     00124b0001abcd01: kitchen_sensor
 *   report_min_interval: 1s
 *   report_max_interval: 5m
 *   offline_after: 11m           # silence before a device is probed and marked BAD
 *   command_timeout: 10s
 * </pre>
 *
 * @param name device-name prefix of the coordinator's own points
 * @param port serial device path, or {@code tcp://host:port}
 * @param baud serial speed (default 9600, the XBee factory setting); ignored on TCP
 * @param flowControl serial flow control (default none)
 * @param dongle the coordinator's firmware family (default xbee)
 * @param channel radio channel 11..26, or null to keep the dongle's choice
 * @param panId "generate" (default) or a 16-bit PAN id in hex
 * @param extendedPanId "generate" (default) or 16 hex digits
 * @param networkKey "generate" (default) or 32 hex digits
 * @param permitJoin join window opened when the network comes up (default 0s: closed)
 * @param devices IEEE address (hex, separators allowed) to device name
 * @param reportMinInterval minimum interval of attribute reports (default 1s)
 * @param reportMaxInterval maximum interval of attribute reports, the heartbeat (default 5m)
 * @param offlineAfter silence after which a device is probed and, if it does not answer, marked BAD
 *     "device left the network" (default 2 x report_max_interval + 1m)
 * @param commandTimeout how long a write waits for the device (default 10s)
 */
public record ZigbeeCoordinatorConfig(
    String name,
    String port,
    Integer baud,
    FlowControl flowControl,
    Dongle dongle,
    Integer channel,
    String panId,
    String extendedPanId,
    String networkKey,
    Duration permitJoin,
    Map<String, String> devices,
    Duration reportMinInterval,
    Duration reportMaxInterval,
    Duration offlineAfter,
    Duration commandTimeout)
    implements DeviceConfig {

  /** Coordinator firmware families. */
  public enum Dongle {
    /** Digi XBee (S2C, XBee 3) Zigbee coordinator firmware in API mode. */
    XBEE
  }

  /** Serial flow control. */
  public enum FlowControl {
    NONE,
    RTS_CTS,
    XON_XOFF
  }

  public static final String GENERATE = "generate";

  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

  /** ZCL reporting intervals are uint16 seconds; 0xFFFF switches reporting off. */
  private static final long MAX_REPORT_SECONDS = 0xFFFE;

  public ZigbeeCoordinatorConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: required (the prefix of the coordinator's points)");
    }
    try {
      new PointId(name, "permit_join");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("name: " + e.getMessage());
    }
    if (port == null || port.isBlank()) {
      throw new IllegalArgumentException(
          "port: required, a serial device such as /dev/ttyUSB0 or tcp://host:port");
    }
    port = port.trim();
    if (port.startsWith("tcp:")) {
      tcpAddress(port); // validates
    }
    baud = baud == null ? 9600 : baud;
    if (baud <= 0) {
      throw new IllegalArgumentException("baud: must be > 0, got " + baud);
    }
    flowControl = flowControl == null ? FlowControl.NONE : flowControl;
    dongle = dongle == null ? Dongle.XBEE : dongle;
    if (channel != null && (channel < 11 || channel > 26)) {
      throw new IllegalArgumentException("channel: must be 11..26 (2.4 GHz), got " + channel);
    }
    panId = hexOrGenerate("pan_id", panId, 1, 4);
    if (!panId.equals(GENERATE) && Integer.parseInt(panId, 16) > 0x3FFF) {
      throw new IllegalArgumentException("pan_id: must be 0000..3FFF, got " + panId);
    }
    extendedPanId = hexOrGenerate("extended_pan_id", extendedPanId, 16, 16);
    networkKey = hexOrGenerate("network_key", networkKey, 32, 32);
    if (dongle == Dongle.XBEE) {
      for (String[] field :
          new String[][] {
            {"pan_id", panId}, {"extended_pan_id", extendedPanId}, {"network_key", networkKey}
          }) {
        if (!field[1].equals(GENERATE)) {
          throw new IllegalArgumentException(
              field[0]
                  + ": an XBee coordinator chooses its own network identity when it forms the"
                  + " network (the zsmartsystems XBee driver cannot set it); use 'generate', or set"
                  + " it on the dongle once with XCTU (AT ID, NK)");
        }
      }
    }
    permitJoin = permitJoin == null ? Duration.ZERO : permitJoin;
    if (permitJoin.isNegative()) {
      throw new IllegalArgumentException(
          "permit_join: must be >= 0s, got " + DurationText.format(permitJoin));
    }
    devices = normaliseDevices(name, devices);
    reportMinInterval = reportMinInterval == null ? Duration.ofSeconds(1) : reportMinInterval;
    reportMaxInterval = reportMaxInterval == null ? Duration.ofMinutes(5) : reportMaxInterval;
    requireSeconds("report_min_interval", reportMinInterval, 0);
    requireSeconds("report_max_interval", reportMaxInterval, 1);
    if (reportMaxInterval.compareTo(reportMinInterval) < 0) {
      throw new IllegalArgumentException(
          "report_max_interval: "
              + DurationText.format(reportMaxInterval)
              + " is below report_min_interval "
              + DurationText.format(reportMinInterval));
    }
    offlineAfter =
        offlineAfter == null ? reportMaxInterval.multipliedBy(2).plusMinutes(1) : offlineAfter;
    if (offlineAfter.compareTo(reportMaxInterval) <= 0) {
      throw new IllegalArgumentException(
          "offline_after: must be longer than report_max_interval ("
              + DurationText.format(reportMaxInterval)
              + "), got "
              + DurationText.format(offlineAfter));
    }
    commandTimeout = commandTimeout == null ? Duration.ofSeconds(10) : commandTimeout;
    // at most a day: a write waits for it in milliseconds, which overflow for huge durations
    if (commandTimeout.isNegative()
        || commandTimeout.isZero()
        || commandTimeout.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "command_timeout: must be > 0 and at most 1d, got "
              + DurationText.format(commandTimeout));
    }
  }

  /** A config with defaults for everything but the name and the port. */
  public static ZigbeeCoordinatorConfig of(String name, String port) {
    return new ZigbeeCoordinatorConfig(
        name, port, null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** True when {@link #port()} is {@code tcp://host:port}. */
  public boolean isTcp() {
    return port.startsWith("tcp:");
  }

  /** The host and port of a {@code tcp://host:port} port. */
  public static Map.Entry<String, Integer> tcpAddress(String port) {
    try {
      URI uri = new URI(port);
      if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
        throw new URISyntaxException(port, "expected tcp://host:port");
      }
      return Map.entry(uri.getHost(), uri.getPort());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "port: '" + port + "' is not a valid tcp://host:port address", e);
    }
  }

  /** Lower-case, 16 hex digits, no separators: the form used in point names and files. */
  public static String normaliseIeee(String text) {
    if (text == null) { // a YAML key "~" or an empty key: a message, not a NullPointerException
      throw new IllegalArgumentException("an IEEE address is required (up to 16 hex digits)");
    }
    String hex = text.replace(":", "").replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
    if (hex.startsWith("0x")) {
      hex = hex.substring(2);
    }
    if (hex.isEmpty() || hex.length() > 16 || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an IEEE address (up to 16 hex digits)");
    }
    return "0".repeat(16 - hex.length()) + hex;
  }

  private static Map<String, String> normaliseDevices(String name, Map<String, String> devices) {
    Map<String, String> result = new LinkedHashMap<>();
    if (devices == null) {
      return Map.of();
    }
    Set<String> aliases = new HashSet<>();
    for (Map.Entry<String, String> e : devices.entrySet()) {
      String ieee;
      try {
        ieee = normaliseIeee(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("devices: " + ex.getMessage());
      }
      String alias = e.getValue();
      if (alias == null || alias.isBlank()) {
        throw new IllegalArgumentException("devices." + e.getKey() + ": name is empty");
      }
      try {
        new PointId(alias, "x");
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("devices." + e.getKey() + ": " + ex.getMessage());
      }
      if (alias.equals(name)) {
        throw new IllegalArgumentException(
            "devices." + e.getKey() + ": '" + alias + "' is the coordinator's own name");
      }
      if (!aliases.add(alias)) {
        throw new IllegalArgumentException(
            "devices: the name '" + alias + "' is given to two devices");
      }
      if (result.put(ieee, alias) != null) {
        throw new IllegalArgumentException("devices: " + ieee + " is listed twice");
      }
    }
    return Map.copyOf(result);
  }

  private static String hexOrGenerate(String field, String value, int minDigits, int maxDigits) {
    if (value == null || value.isBlank() || value.trim().equalsIgnoreCase(GENERATE)) {
      return GENERATE;
    }
    String hex = value.trim().toLowerCase(Locale.ROOT).replace(":", "");
    if (hex.startsWith("0x")) {
      hex = hex.substring(2);
    }
    if (!HEX.matcher(hex).matches() || hex.length() < minDigits || hex.length() > maxDigits) {
      String digits = minDigits == maxDigits ? "" + maxDigits : minDigits + ".." + maxDigits;
      throw new IllegalArgumentException(
          field + ": expected 'generate' or " + digits + " hex digits, got '" + value + "'");
    }
    return hex;
  }

  private static void requireSeconds(String field, Duration value, long minSeconds) {
    if (value.isNegative()
        || value.getSeconds() < minSeconds
        || value.getSeconds() > MAX_REPORT_SECONDS
        || value.getNano() != 0) {
      throw new IllegalArgumentException(
          field
              + ": must be whole seconds in "
              + minSeconds
              + "s.."
              + MAX_REPORT_SECONDS
              + "s (ZCL reporting interval), got "
              + DurationText.format(value));
    }
  }
}
