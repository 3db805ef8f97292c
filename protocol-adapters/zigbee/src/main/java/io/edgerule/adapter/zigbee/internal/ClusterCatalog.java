package io.edgerule.adapter.zigbee.internal;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ValueType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which points a Zigbee server cluster offers and how ZCL attribute values become point values
 * (scaled per the ZCL specification), and how writes become ZCL commands. Pure data and functions.
 *
 * <table>
 *   <caption>Points per cluster</caption>
 *   <tr><th>cluster</th><th>point</th><th>type</th><th>from</th><th>write</th></tr>
 *   <tr><td>0x0402</td><td>temperature</td><td>float64 °C</td><td>MeasuredValue / 100</td><td></td></tr>
 *   <tr><td>0x0405</td><td>humidity</td><td>float64 %</td><td>MeasuredValue / 100</td><td></td></tr>
 *   <tr><td>0x0006</td><td>on_off</td><td>bool</td><td>OnOff</td><td>On / Off</td></tr>
 *   <tr><td>0x0006</td><td>toggle</td><td>bool</td><td></td><td>Toggle (write true)</td></tr>
 *   <tr><td>0x0008</td><td>level</td><td>int64 0..254</td><td>CurrentLevel</td>
 *       <td>Move to Level (with On/Off)</td></tr>
 *   <tr><td>0x0406</td><td>occupancy</td><td>bool</td><td>Occupancy bit 0</td><td></td></tr>
 *   <tr><td>0x0406</td><td>occupancy_timeout</td><td>int64 s</td>
 *       <td>PIROccupiedToUnoccupiedDelay</td><td>Write Attributes</td></tr>
 *   <tr><td>0x0400</td><td>illuminance</td><td>float64 lx</td>
 *       <td>10^((MeasuredValue - 1) / 10000)</td><td></td></tr>
 *   <tr><td>0x0B04</td><td>power</td><td>float64 W</td>
 *       <td>ActivePower x ACPowerMultiplier / ACPowerDivisor</td><td></td></tr>
 *   <tr><td>0x0B04</td><td>voltage</td><td>float64 V</td><td>RMSVoltage, scaled alike</td><td></td></tr>
 *   <tr><td>0x0B04</td><td>current</td><td>float64 A</td><td>RMSCurrent, scaled alike</td><td></td></tr>
 * </table>
 */
public final class ClusterCatalog {
  public static final int ON_OFF = 0x0006;
  public static final int LEVEL_CONTROL = 0x0008;
  public static final int ILLUMINANCE = 0x0400;
  public static final int TEMPERATURE = 0x0402;
  public static final int HUMIDITY = 0x0405;
  public static final int OCCUPANCY = 0x0406;
  public static final int ELECTRICAL_MEASUREMENT = 0x0B04;

  /** Electrical measurement scaling attributes, read once per device. */
  public static final int AC_VOLTAGE_MULTIPLIER = 0x0600;

  public static final int AC_VOLTAGE_DIVISOR = 0x0601;
  public static final int AC_CURRENT_MULTIPLIER = 0x0602;
  public static final int AC_CURRENT_DIVISOR = 0x0603;
  public static final int AC_POWER_MULTIPLIER = 0x0604;
  public static final int AC_POWER_DIVISOR = 0x0605;

  public static final List<Integer> SCALING_ATTRIBUTES =
      List.of(
          AC_VOLTAGE_MULTIPLIER,
          AC_VOLTAGE_DIVISOR,
          AC_CURRENT_MULTIPLIER,
          AC_CURRENT_DIVISOR,
          AC_POWER_MULTIPLIER,
          AC_POWER_DIVISOR);

  /** How a write to a point reaches the device. */
  public enum Write {
    /** Read-only. */
    NONE,
    /** bool: On (true) or Off (false) command of the On/Off cluster. */
    ON_OFF,
    /** bool true: Toggle command of the On/Off cluster. */
    TOGGLE,
    /** int64 0..254: Move to Level with On/Off, transition time 0. */
    LEVEL,
    /** int64 0..65535: ZCL Write Attributes of a uint16 attribute. */
    UINT16_ATTRIBUTE
  }

  /** A decoded attribute value, or why it is not one. */
  public sealed interface Decoded {
    record Value(PointValue value) implements Decoded {}

    record Invalid(String reason) implements Decoded {}
  }

  /** Turns a raw attribute value into a point value, given the device's scaling attributes. */
  @FunctionalInterface
  public interface Decoder {
    Decoded decode(Object raw, Map<Integer, Integer> scaling);
  }

  /**
   * One point of a cluster.
   *
   * @param attributeId the attribute the point reads, or -1 for a write-only command point
   * @param reportableChange the minimum change (in raw units) that triggers a report, null for a
   *     discrete attribute; reporting is configured only when {@code reported}
   */
  public record PointSpec(
      int clusterId,
      String name,
      int attributeId,
      ValueType type,
      Decoder decoder,
      Write write,
      boolean reported,
      Integer reportableChange) {

    public boolean readable() {
      return attributeId >= 0;
    }

    public boolean writable() {
      return write != Write.NONE;
    }

    /** "0x0402/0x0000" or "0x0006 command". */
    public String address() {
      return readable()
          ? String.format("zcl 0x%04X/0x%04X", clusterId, attributeId)
          : String.format("zcl 0x%04X command", clusterId);
    }
  }

  private static final List<PointSpec> SPECS =
      List.of(
          new PointSpec(
              TEMPERATURE,
              "temperature",
              0x0000,
              ValueType.FLOAT64,
              (raw, s) -> signed16(raw, 0x8000, v -> v / 100.0, "temperature"),
              Write.NONE,
              true,
              10),
          new PointSpec(
              HUMIDITY,
              "humidity",
              0x0000,
              ValueType.FLOAT64,
              (raw, s) -> unsigned16(raw, 0xFFFF, v -> v / 100.0, "humidity"),
              Write.NONE,
              true,
              50),
          new PointSpec(
              ON_OFF,
              "on_off",
              0x0000,
              ValueType.BOOL,
              ClusterCatalog::bool,
              Write.ON_OFF,
              true,
              null),
          new PointSpec(ON_OFF, "toggle", -1, ValueType.BOOL, null, Write.TOGGLE, false, null),
          new PointSpec(
              LEVEL_CONTROL,
              "level",
              0x0000,
              ValueType.INT64,
              (raw, s) -> level(raw),
              Write.LEVEL,
              true,
              1),
          new PointSpec(
              OCCUPANCY,
              "occupancy",
              0x0000,
              ValueType.BOOL,
              (raw, s) -> new Decoded.Value(PointValue.of((number(raw) & 0x01) != 0)),
              Write.NONE,
              true,
              null),
          new PointSpec(
              OCCUPANCY,
              "occupancy_timeout",
              0x0010,
              ValueType.INT64,
              (raw, s) -> occupancyTimeout(raw),
              Write.UINT16_ATTRIBUTE,
              false,
              null),
          new PointSpec(
              ILLUMINANCE,
              "illuminance",
              0x0000,
              ValueType.FLOAT64,
              (raw, s) -> illuminance(raw),
              Write.NONE,
              true,
              200),
          new PointSpec(
              ELECTRICAL_MEASUREMENT,
              "power",
              0x050B,
              ValueType.FLOAT64,
              (raw, s) ->
                  signed16(
                      raw,
                      0x8000,
                      v -> scale(v, s, AC_POWER_MULTIPLIER, AC_POWER_DIVISOR),
                      "active power"),
              Write.NONE,
              true,
              5),
          new PointSpec(
              ELECTRICAL_MEASUREMENT,
              "voltage",
              0x0505,
              ValueType.FLOAT64,
              (raw, s) ->
                  unsigned16(
                      raw,
                      0xFFFF,
                      v -> scale(v, s, AC_VOLTAGE_MULTIPLIER, AC_VOLTAGE_DIVISOR),
                      "RMS voltage"),
              Write.NONE,
              true,
              2),
          new PointSpec(
              ELECTRICAL_MEASUREMENT,
              "current",
              0x0508,
              ValueType.FLOAT64,
              (raw, s) ->
                  unsigned16(
                      raw,
                      0xFFFF,
                      v -> scale(v, s, AC_CURRENT_MULTIPLIER, AC_CURRENT_DIVISOR),
                      "RMS current"),
              Write.NONE,
              true,
              20));

  private ClusterCatalog() {}

  /** All point specs, in a stable order. */
  public static List<PointSpec> all() {
    return SPECS;
  }

  /** The points of one server cluster (empty for clusters without points). */
  public static List<PointSpec> forCluster(int clusterId) {
    List<PointSpec> result = new ArrayList<>();
    for (PointSpec s : SPECS) {
      if (s.clusterId() == clusterId) {
        result.add(s);
      }
    }
    return result;
  }

  public static Optional<PointSpec> forAttribute(int clusterId, int attributeId) {
    for (PointSpec s : SPECS) {
      if (s.clusterId() == clusterId && s.attributeId() == attributeId) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  // ---- decoders ----

  private interface DoubleOp {
    double apply(double raw);
  }

  static long number(Object raw) {
    if (raw instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (raw instanceof Byte
        || raw instanceof Short
        || raw instanceof Integer
        || raw instanceof Long) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (raw instanceof Number n) {
      // ZCL integers only: longValue() would turn 21.7 into 21, NaN into 0 and 2^64 + 5 into 5
      double d = n.doubleValue();
      if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
        return (long) d;
      }
      throw new IllegalArgumentException(
          "expected a whole number, got " + raw + " (" + raw.getClass().getSimpleName() + ")");
    }
    throw new IllegalArgumentException(
        "expected a number, got " + (raw == null ? "nothing" : raw.getClass().getSimpleName()));
  }

  /**
   * Why {@code v} is not a raw value of the attribute's ZCL type, or null. Masking instead would
   * report garbage (70000 as 0x1170) as a measurement.
   */
  private static Decoded outside(long v, long min, long max, String type, String what) {
    return v < min || v > max
        ? new Decoded.Invalid(what + " raw value " + v + " is outside " + type)
        : null;
  }

  private static Decoded signed16(Object raw, int invalid, DoubleOp op, String what) {
    long v = number(raw);
    Decoded outside = outside(v, Short.MIN_VALUE, 0xFFFF, "int16", what); // either form
    if (outside != null) {
      return outside;
    }
    if (v == (short) invalid || v == invalid) {
      return new Decoded.Invalid(what + " not measured (0x" + Integer.toHexString(invalid) + ")");
    }
    return new Decoded.Value(PointValue.of(op.apply((short) v)));
  }

  private static Decoded unsigned16(Object raw, int invalid, DoubleOp op, String what) {
    long v = number(raw);
    Decoded outside = outside(v, 0, 0xFFFF, "uint16", what);
    if (outside != null) {
      return outside;
    }
    if (v == invalid) {
      return new Decoded.Invalid(what + " not measured (0x" + Integer.toHexString(invalid) + ")");
    }
    return new Decoded.Value(PointValue.of(op.apply(v)));
  }

  private static Decoded bool(Object raw, Map<Integer, Integer> scaling) {
    return new Decoded.Value(PointValue.of(number(raw) != 0));
  }

  private static Decoded level(Object raw) {
    long v = number(raw);
    Decoded outside = outside(v, 0, 0xFF, "uint8", "level");
    if (outside != null) {
      return outside;
    }
    if (v == 0xFF) {
      return new Decoded.Invalid("level unknown (0xFF)");
    }
    return new Decoded.Value(PointValue.of(v));
  }

  private static Decoded occupancyTimeout(Object raw) {
    long v = number(raw);
    Decoded outside = outside(v, 0, 0xFFFF, "uint16", "occupancy timeout");
    return outside != null ? outside : new Decoded.Value(PointValue.of(v));
  }

  /** ZCL 4.2.2.2.1: MeasuredValue = 10000 x log10(lux) + 1; 0 means too low to measure. */
  private static Decoded illuminance(Object raw) {
    long v = number(raw);
    Decoded outside = outside(v, 0, 0xFFFF, "uint16", "illuminance");
    if (outside != null) {
      return outside;
    }
    if (v == 0xFFFF) {
      return new Decoded.Invalid("illuminance not measured (0xffff)");
    }
    if (v == 0) {
      return new Decoded.Value(PointValue.of(0.0));
    }
    return new Decoded.Value(PointValue.of(Math.pow(10, (v - 1) / 10000.0)));
  }

  private static double scale(
      double raw, Map<Integer, Integer> scaling, int multiplierAttribute, int divisorAttribute) {
    int multiplier = scaling.getOrDefault(multiplierAttribute, 1);
    int divisor = scaling.getOrDefault(divisorAttribute, 1);
    if (multiplier == 0) {
      multiplier = 1; // 0 is "not set" on some devices
    }
    if (divisor == 0) {
      divisor = 1;
    }
    return raw * multiplier / divisor;
  }
}
