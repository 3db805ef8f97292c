package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.modbus.Endianness;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;

/**
 * Converts between a point's Modbus representation and its gateway value: decode from response
 * bytes, encode a write. Pure; bad input to {@link #encode} is a {@link Encoded.Rejected} value,
 * not an exception.
 */
public final class PointCodec {
  private PointCodec() {}

  /** What a write of one point puts on the wire. */
  public sealed interface Encoded {
    /** One coil (FC05). */
    record Coil(boolean on) implements Encoded {}

    /** Whole registers (FC06 for one, FC16 for several), bytes as on the wire. */
    record Registers(byte[] bytes) implements Encoded {
      public Registers {
        bytes = bytes.clone();
      }

      @Override
      public byte[] bytes() {
        return bytes.clone();
      }

      public int words() {
        return bytes.length / 2;
      }
    }

    /** One bit of a holding register (read, modify, write back). */
    record RegisterBit(int bit, boolean on, Endianness byteOrder) implements Encoded {}

    /** The value cannot be written to this point; {@code reason} says why. */
    record Rejected(String reason) implements Encoded {}
  }

  /** The value of a coil or discrete input. */
  public static PointValue decodeBit(boolean on) {
    return PointValue.of(on);
  }

  /**
   * Decodes a register point from {@code data}, the bytes of a read that begins at register {@code
   * blockStart}.
   */
  public static PointValue decodeRegisters(ModbusPointConfig point, byte[] data, int blockStart) {
    return fromRaw(point, raw(point, data, blockStart));
  }

  /**
   * The bit pattern of a register point in {@code data} (see {@link RegisterCodec#read}; for a bit
   * point its whole register): equal patterns decode to equal values ({@link #fromRaw}), so a
   * poller can keep the value of an unchanged register instead of decoding it again.
   */
  static long raw(ModbusPointConfig point, byte[] data, int blockStart) {
    ModbusDataType type = point.type();
    if (type == ModbusDataType.BOOL) {
      throw new IllegalArgumentException(
          "point '" + point.name() + "' is a " + point.table().yamlName() + ", not a register");
    }
    // in long: with int arithmetic a far-away blockStart wraps around to an offset that looks valid
    long at = 2L * ((long) point.address() - blockStart);
    int words = type == ModbusDataType.BIT ? 1 : type.words();
    if (at < 0 || at > data.length - 2L * words) {
      throw new IllegalArgumentException(
          "point '%s' (%s) is not in a response of %d bytes from register %d"
              .formatted(point.name(), point.describe(), data.length, blockStart));
    }
    int offset = (int) at;
    return type == ModbusDataType.BIT
        ? RegisterCodec.read(data, offset, 1, Endianness.BIG, point.byteOrder())
        : RegisterCodec.read(data, offset, words, point.wordOrder(), point.byteOrder());
  }

  /** The value of a register point whose bit pattern is {@code raw} ({@link #raw}). */
  static PointValue fromRaw(ModbusPointConfig point, long raw) {
    return switch (point.type()) {
      case BIT -> PointValue.of((raw >> point.bit() & 1) == 1);
      case INT16 -> integer(point, (short) raw);
      case UINT16 -> integer(point, raw & 0xFFFF);
      case INT32 -> integer(point, (int) raw);
      case UINT32 -> integer(point, raw & 0xFFFF_FFFFL);
      case INT64 -> integer(point, raw);
      case FLOAT32 -> scaled(point, float32ToDouble(Float.intBitsToFloat((int) raw)));
      case FLOAT64 -> scaled(point, Double.longBitsToDouble(raw));
      case BOOL -> throw new IllegalArgumentException("bool is not a register type");
    };
  }

  /**
   * A float32 as the double a person would write: 123.456f becomes 123.456, not 123.45600128173828
   * (the shortest decimal that reads back as the same float).
   */
  static double float32ToDouble(float f) {
    return Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f;
  }

  private static PointValue integer(ModbusPointConfig point, long raw) {
    return point.isScaled() ? scaled(point, raw) : PointValue.of(raw);
  }

  private static PointValue scaled(ModbusPointConfig point, double raw) {
    return PointValue.of(raw * point.scale() + point.offset());
  }

  /**
   * Encodes {@code value} for a write to {@code point}: the inverse of scale and offset, rounded to
   * the nearest integer for integer types, checked against the type's range.
   */
  public static Encoded encode(ModbusPointConfig point, PointValue value) {
    ModbusDataType type = point.type();
    if (type == ModbusDataType.BOOL || type == ModbusDataType.BIT) {
      Boolean on = asBool(value);
      if (on == null) {
        return new Encoded.Rejected(
            "point '" + point.name() + "' is bool; cannot write " + describe(value));
      }
      return type == ModbusDataType.BOOL
          ? new Encoded.Coil(on)
          : new Encoded.RegisterBit(point.bit(), on, point.byteOrder());
    }
    if (!(value instanceof PointValue.Int64) && !(value instanceof PointValue.Float64)) {
      return new Encoded.Rejected(
          "point '"
              + point.name()
              + "' is numeric ("
              + type.yamlName()
              + "); cannot write "
              + describe(value));
    }
    long raw;
    if (type.isInteger()) {
      if (value instanceof PointValue.Int64 i && !point.isScaled()) {
        raw = i.value();
      } else {
        double exact = (value.asDouble() - point.offset()) / point.scale();
        if (!Double.isFinite(exact) || Math.abs(exact) >= 0x1p63) {
          return outOfRange(point, value, exact);
        }
        raw = Math.round(exact);
      }
      if (raw < min(type) || raw > max(type)) {
        return outOfRange(point, value, raw);
      }
    } else {
      double exact = (value.asDouble() - point.offset()) / point.scale();
      if (Double.isFinite(value.asDouble()) && !Double.isFinite(exact)) {
        // a tiny scale or a huge offset: a finite value would reach the wire as an infinity
        return outOfRange(point, value, exact);
      }
      if (type == ModbusDataType.FLOAT32) {
        if (Double.isFinite(exact) && Float.isInfinite((float) exact)) {
          return outOfRange(point, value, exact);
        }
        raw = Float.floatToRawIntBits((float) exact) & 0xFFFF_FFFFL;
      } else {
        raw = Double.doubleToRawLongBits(exact);
      }
    }
    return new Encoded.Registers(
        RegisterCodec.write(raw, type.words(), point.wordOrder(), point.byteOrder()));
  }

  private static Boolean asBool(PointValue value) {
    if (value instanceof PointValue.Bool b) {
      return b.value();
    }
    if (value instanceof PointValue.Int64 i && (i.value() == 0 || i.value() == 1)) {
      return i.value() == 1;
    }
    return null;
  }

  private static Encoded outOfRange(ModbusPointConfig point, PointValue value, Object raw) {
    String range =
        switch (point.type()) {
          case FLOAT32 -> "±3.4028235E38";
          case FLOAT64 -> "±1.7976931348623157E308"; // not the integer default below
          default -> min(point.type()) + ".." + max(point.type());
        };
    String scaling =
        point.isScaled()
            ? " (raw " + raw + " after scale " + point.scale() + ", offset " + point.offset() + ")"
            : "";
    return new Encoded.Rejected(
        "value "
            + value
            + scaling
            + " is out of range for "
            + point.type().yamlName()
            + " ("
            + range
            + ") of point '"
            + point.name()
            + "'");
  }

  static long min(ModbusDataType type) {
    return switch (type) {
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      default -> 0;
    };
  }

  static long max(ModbusDataType type) {
    return switch (type) {
      case INT16 -> Short.MAX_VALUE;
      case UINT16 -> 0xFFFF;
      case INT32 -> Integer.MAX_VALUE;
      case UINT32 -> 0xFFFF_FFFFL;
      default -> Long.MAX_VALUE;
    };
  }

  private static String describe(PointValue value) {
    return value.type().name().toLowerCase(java.util.Locale.ROOT) + " " + value;
  }
}
