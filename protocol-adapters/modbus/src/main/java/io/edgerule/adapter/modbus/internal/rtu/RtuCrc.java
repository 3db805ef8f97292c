package io.edgerule.adapter.modbus.internal.rtu;

/**
 * CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF, no final xor), sent low byte first. Check
 * value: {@code "123456789"} gives 0x4B37. Pure.
 */
public final class RtuCrc {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
      }
      TABLE[i] = crc;
    }
  }

  private RtuCrc() {}

  /** The CRC of {@code length} bytes of {@code data} from {@code offset}. */
  public static int of(byte[] data, int offset, int length) {
    if (offset < 0 || length < 0 || offset > data.length - length) {
      // a clear error instead of an ArrayIndexOutOfBoundsException halfway through
      throw new IllegalArgumentException(
          "bytes " + offset + "+" + length + " are outside a buffer of " + data.length);
    }
    int crc = 0xFFFF;
    for (int i = offset; i < offset + length; i++) {
      crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xFF];
    }
    return crc;
  }

  /**
   * True when the last two of the {@code length} bytes from {@code offset} are the CRC (low byte
   * first) of the bytes before them.
   */
  public static boolean matches(byte[] frame, int offset, int length) {
    if (offset < 0 || length < 0 || offset > frame.length - length) {
      throw new IllegalArgumentException(
          "bytes " + offset + "+" + length + " are outside a buffer of " + frame.length);
    }
    if (length < 3) {
      return false;
    }
    int crc = of(frame, offset, length - 2);
    int sent = (frame[offset + length - 2] & 0xFF) | (frame[offset + length - 1] & 0xFF) << 8;
    return crc == sent;
  }
}
