package io.edgerule.sim.zigbee;

import java.io.ByteArrayOutputStream;

/**
 * XBee API framing (Digi "API frame format"): {@code 7E | length (2, big endian) | frame data |
 * checksum}. The checksum is {@code 0xFF - (sum of the frame data bytes & 0xFF)}. In API mode 2
 * ("API with escaping") every byte after the start delimiter that equals 7E, 7D, 11 or 13 is sent
 * as {@code 7D, byte ^ 0x20}; in API mode 1 nothing is escaped.
 *
 * <p>Pure functions only; {@link XBeeFrameDecoder} is the streaming inverse.
 */
public final class XBeeApiCodec {
  public static final int START_DELIMITER = 0x7E;
  public static final int ESCAPE = 0x7D;
  public static final int XON = 0x11;
  public static final int XOFF = 0x13;
  public static final int ESCAPE_XOR = 0x20;

  /** The largest frame data we accept or produce (an XBee 3 payload fits well within this). */
  public static final int MAX_FRAME_DATA = 1024;

  private XBeeApiCodec() {}

  /**
   * Frames {@code frameData} (frame type byte first).
   *
   * @param escaped true for API mode 2
   */
  public static byte[] encode(byte[] frameData, boolean escaped) {
    return encode(frameData, escaped, checksum(frameData));
  }

  /** Frames {@code frameData} with the given checksum byte (a wrong one for fault injection). */
  public static byte[] encode(byte[] frameData, boolean escaped, int checksum) {
    if (frameData.length == 0 || frameData.length > MAX_FRAME_DATA) {
      throw new IllegalArgumentException(
          "frame data length " + frameData.length + " outside 1.." + MAX_FRAME_DATA);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(frameData.length * 2 + 4);
    out.write(START_DELIMITER);
    writeEscaped(out, frameData.length >> 8, escaped);
    writeEscaped(out, frameData.length & 0xFF, escaped);
    for (byte b : frameData) {
      writeEscaped(out, b & 0xFF, escaped);
    }
    writeEscaped(out, checksum & 0xFF, escaped);
    return out.toByteArray();
  }

  /** {@code 0xFF - (sum of frameData & 0xFF)}. */
  public static int checksum(byte[] frameData) {
    int sum = 0;
    for (byte b : frameData) {
      sum += b & 0xFF;
    }
    return 0xFF - (sum & 0xFF);
  }

  /** True for the bytes API mode 2 escapes. */
  public static boolean needsEscape(int value) {
    return value == START_DELIMITER || value == ESCAPE || value == XON || value == XOFF;
  }

  private static void writeEscaped(ByteArrayOutputStream out, int value, boolean escaped) {
    if (escaped && needsEscape(value)) {
      out.write(ESCAPE);
      out.write(value ^ ESCAPE_XOR);
    } else {
      out.write(value);
    }
  }
}
