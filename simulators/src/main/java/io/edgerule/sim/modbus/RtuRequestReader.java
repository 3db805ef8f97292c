package io.edgerule.sim.modbus;

import com.digitalpetri.modbus.Crc16;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds request frames in the bytes a slave receives: length from the function code (and byte
 * count), CRC-16 checked (digitalpetri's {@link Crc16}, one byte at a time), resynchronising on
 * garbage by dropping one byte and trying again. Pure; written for the simulator, independent of
 * the adapter's RTU code.
 */
final class RtuRequestReader {
  private static final int NEED_MORE = 0;
  private static final int UNKNOWN = -1;

  private final byte[] buffer = new byte[1024];
  private int length;
  private long garbage;

  /** Appends {@code n} bytes and returns the complete frames found, oldest first. */
  List<byte[]> feed(byte[] data, int n) {
    if (length + n > buffer.length) { // nothing sane is this long: start over
      garbage += length;
      length = 0;
      n = Math.min(n, buffer.length);
    }
    System.arraycopy(data, 0, buffer, length, n);
    length += n;
    List<byte[]> frames = new ArrayList<>();
    while (length >= 2) {
      int frame = requestLength(buffer, 0, length);
      if (frame == UNKNOWN || (frame > 0 && frame <= length && !crcMatches(0, frame))) {
        drop(1);
        continue;
      }
      if (frame == NEED_MORE || frame > length) {
        int later = laterValidFrame();
        if (later < 0) {
          break;
        }
        drop(later);
        continue;
      }
      frames.add(Arrays.copyOf(buffer, frame));
      consume(frame);
    }
    return frames;
  }

  /** Bytes dropped so far as garbage. */
  long garbage() {
    return garbage;
  }

  void reset() {
    length = 0;
  }

  /** The offset of a complete valid frame after the start, when the start looks incomplete. */
  private int laterValidFrame() {
    for (int s = 1; s < length - 1; s++) {
      int frame = requestLength(buffer, s, length);
      if (frame > 0 && s + frame <= length && crcMatches(s, frame)) {
        return s;
      }
    }
    return -1;
  }

  private void drop(int n) {
    garbage += n;
    consume(n);
  }

  private void consume(int n) {
    System.arraycopy(buffer, n, buffer, 0, length - n);
    length -= n;
  }

  private boolean crcMatches(int start, int frame) {
    Crc16 crc = new Crc16();
    for (int i = start; i < start + frame - 2; i++) {
      crc.update(buffer[i] & 0xFF);
    }
    int sent = (buffer[start + frame - 2] & 0xFF) | (buffer[start + frame - 1] & 0xFF) << 8;
    return crc.getValue() == sent;
  }

  /** Length of the request starting at {@code s}: fixed by function code or from its byte count. */
  static int requestLength(byte[] b, int s, int end) {
    if (end - s < 2) {
      return NEED_MORE;
    }
    int fc = b[s + 1] & 0xFF;
    return switch (fc) {
      case 0x01, 0x02, 0x03, 0x04, 0x05, 0x06 -> 8; // unit fc address(2) count/value(2) crc(2)
      case 0x0F, 0x10 -> end - s < 7 ? NEED_MORE : 9 + (b[s + 6] & 0xFF);
      case 0x16 -> 10;
      case 0x17 -> end - s < 11 ? NEED_MORE : 13 + (b[s + 10] & 0xFF);
      default -> UNKNOWN;
    };
  }
}
