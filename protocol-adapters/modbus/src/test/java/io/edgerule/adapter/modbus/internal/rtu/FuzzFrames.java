package io.edgerule.adapter.modbus.internal.rtu;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Building blocks of the RTU fuzz tests: frames with a valid CRC, and random bytes. */
final class FuzzFrames {
  private FuzzFrames() {}

  /** {@code body} followed by its CRC, low byte first, as on the wire. */
  static byte[] withCrc(byte[] body) {
    byte[] frame = Arrays.copyOf(body, body.length + 2);
    int crc = RtuCrc.of(body, 0, body.length);
    frame[body.length] = (byte) crc;
    frame[body.length + 1] = (byte) (crc >>> 8);
    return frame;
  }

  static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }
}
