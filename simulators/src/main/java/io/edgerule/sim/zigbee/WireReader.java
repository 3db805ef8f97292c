package io.edgerule.sim.zigbee;

import java.util.Arrays;

/**
 * Reads fields from a byte array. Reading past the end throws {@link IllegalArgumentException}
 * naming the field, which callers turn into a clear "malformed frame" log line.
 */
final class WireReader {
  private final byte[] data;
  private int position;

  WireReader(byte[] data) {
    this(data, 0);
  }

  WireReader(byte[] data, int position) {
    this.data = data;
    this.position = position;
  }

  int u8(String field) {
    need(1, field);
    return data[position++] & 0xFF;
  }

  int u16be(String field) {
    need(2, field);
    int value = ((data[position] & 0xFF) << 8) | (data[position + 1] & 0xFF);
    position += 2;
    return value;
  }

  int u16le(String field) {
    need(2, field);
    int value = (data[position] & 0xFF) | ((data[position + 1] & 0xFF) << 8);
    position += 2;
    return value;
  }

  long u64be(String field) {
    need(8, field);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (data[position++] & 0xFF);
    }
    return value;
  }

  long u64le(String field) {
    need(8, field);
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = (value << 8) | (data[position + i] & 0xFF);
    }
    position += 8;
    return value;
  }

  /** Unsigned little-endian integer of {@code size} bytes (at most 7). */
  long uintLe(int size, String field) {
    need(size, field);
    long value = 0;
    for (int i = size - 1; i >= 0; i--) {
      value = (value << 8) | (data[position + i] & 0xFF);
    }
    position += size;
    return value;
  }

  byte[] bytes(int count, String field) {
    need(count, field);
    byte[] value = Arrays.copyOfRange(data, position, position + count);
    position += count;
    return value;
  }

  byte[] rest() {
    byte[] value = Arrays.copyOfRange(data, position, data.length);
    position = data.length;
    return value;
  }

  int remaining() {
    return data.length - position;
  }

  private void need(int count, String field) {
    if (data.length - position < count) {
      throw new IllegalArgumentException(
          "too short for "
              + field
              + ": needs "
              + count
              + " byte(s) at offset "
              + position
              + ", has "
              + (data.length - position));
    }
  }
}
