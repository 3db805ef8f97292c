package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.modbus.Endianness;

/**
 * Turns the bytes of consecutive registers into one raw value and back, honouring word and byte
 * order. Pure: no state, no I/O.
 *
 * <p>The raw value is the bit pattern with the most significant byte first, right-aligned in a
 * long: for float32 123.456 every order yields {@code 0x42F6E979}, read from {@code 42 F6 E9 79}
 * (BIG words, BIG bytes), {@code F6 42 79 E9} (BIG, LITTLE), {@code E9 79 42 F6} (LITTLE, BIG) or
 * {@code 79 E9 F6 42} (LITTLE, LITTLE).
 */
public final class RegisterCodec {
  private RegisterCodec() {}

  /**
   * Reads {@code words} registers starting at byte {@code offset} of {@code data} (two bytes per
   * register, as they came off the wire).
   */
  public static long read(
      byte[] data, int offset, int words, Endianness wordOrder, Endianness byteOrder) {
    if (words < 1 || words > 4) {
      throw new IllegalArgumentException("words must be 1..4, got " + words);
    }
    if (offset < 0 || offset > data.length - 2 * words) { // offset + 2 * words could overflow
      throw new IllegalArgumentException(
          "need " + 2 * words + " bytes at offset " + offset + ", have " + data.length);
    }
    long raw = 0;
    for (int i = 0; i < words; i++) {
      // i-th word in significance order (0 = most significant)
      int wire = wordOrder == Endianness.BIG ? i : words - 1 - i;
      raw = (raw << 16) | word(data, offset + 2 * wire, byteOrder);
    }
    return raw;
  }

  /** Writes the low {@code 16 * words} bits of {@code raw} as registers, the inverse of read. */
  public static byte[] write(long raw, int words, Endianness wordOrder, Endianness byteOrder) {
    if (words < 1 || words > 4) {
      throw new IllegalArgumentException("words must be 1..4, got " + words);
    }
    byte[] out = new byte[2 * words];
    for (int i = 0; i < words; i++) {
      int value = (int) (raw >>> (16 * (words - 1 - i))) & 0xFFFF; // i-th most significant word
      int wire = wordOrder == Endianness.BIG ? i : words - 1 - i;
      byte high = (byte) (value >>> 8);
      byte low = (byte) value;
      out[2 * wire] = byteOrder == Endianness.BIG ? high : low;
      out[2 * wire + 1] = byteOrder == Endianness.BIG ? low : high;
    }
    return out;
  }

  private static int word(byte[] data, int at, Endianness byteOrder) {
    int first = data[at] & 0xFF;
    int second = data[at + 1] & 0xFF;
    return byteOrder == Endianness.BIG ? (first << 8) | second : (second << 8) | first;
  }

  /** Bit {@code index} of a packed bit response (LSB of the first byte is the first address). */
  public static boolean bit(byte[] packed, int index) {
    int at = index / 8;
    if (index < 0 || at >= packed.length) {
      throw new IllegalArgumentException(
          "bit " + index + " is outside a response of " + packed.length + " bytes");
    }
    return (packed[at] >> (index % 8) & 1) == 1;
  }
}
