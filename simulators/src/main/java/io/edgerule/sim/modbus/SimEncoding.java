package io.edgerule.sim.modbus;

import java.util.Locale;

/**
 * How a simulated value is laid out in registers: always the Modbus standard, most significant word
 * first and high byte first (tests that need other orders write raw words). Written independently
 * of the gateway's codec, so that each checks the other.
 */
public enum SimEncoding {
  BOOL(1),
  INT16(1),
  UINT16(1),
  INT32(2),
  UINT32(2),
  FLOAT32(2),
  INT64(4),
  FLOAT64(4);

  private final int words;

  SimEncoding(int words) {
    this.words = words;
  }

  /** Registers used (BOOL: one bit, or one register holding 0/1). */
  public int words() {
    return words;
  }

  public static SimEncoding parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown encoding '"
              + text
              + "': use bool, int16, uint16, int32, uint32, float32,"
              + " int64 or float64");
    }
  }

  /** The register words of {@code value}; integers are rounded and clamped to the type's range. */
  public int[] encode(double value) {
    long bits =
        switch (this) {
          case BOOL -> value != 0 ? 1 : 0;
          case INT16 -> clampRound(value, Short.MIN_VALUE, Short.MAX_VALUE) & 0xFFFF;
          case UINT16 -> clampRound(value, 0, 0xFFFF);
          case INT32 -> clampRound(value, Integer.MIN_VALUE, Integer.MAX_VALUE) & 0xFFFF_FFFFL;
          case UINT32 -> clampRound(value, 0, 0xFFFF_FFFFL);
          case FLOAT32 -> Float.floatToIntBits((float) value) & 0xFFFF_FFFFL;
          case INT64 -> Math.round(value);
          case FLOAT64 -> Double.doubleToLongBits(value);
        };
    int[] out = new int[words];
    for (int i = 0; i < words; i++) {
      out[i] = (int) (bits >>> (16 * (words - 1 - i))) & 0xFFFF;
    }
    return out;
  }

  /** The value of {@code words} (the inverse of {@link #encode}). */
  public double decode(int[] words) {
    long bits = 0;
    for (int i = 0; i < this.words; i++) {
      bits = bits << 16 | (words[i] & 0xFFFF);
    }
    return switch (this) {
      case BOOL -> bits != 0 ? 1 : 0;
      case INT16 -> (short) bits;
      case UINT16 -> bits;
      case INT32 -> (int) bits;
      case UINT32 -> bits;
      case FLOAT32 -> Float.intBitsToFloat((int) bits);
      case INT64 -> bits;
      case FLOAT64 -> Double.longBitsToDouble(bits);
    };
  }

  private static long clampRound(double value, long min, long max) {
    if (Double.isNaN(value)) {
      return 0;
    }
    return Math.max(min, Math.min(max, Math.round(value)));
  }
}
