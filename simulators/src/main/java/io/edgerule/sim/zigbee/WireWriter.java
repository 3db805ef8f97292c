package io.edgerule.sim.zigbee;

import java.io.ByteArrayOutputStream;

/**
 * Builds a byte array field by field; XBee fields are big endian, Zigbee (ZDO/ZCL) little endian.
 */
final class WireWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(32);

  WireWriter u8(int value) {
    out.write(value & 0xFF);
    return this;
  }

  WireWriter u16be(int value) {
    out.write((value >> 8) & 0xFF);
    out.write(value & 0xFF);
    return this;
  }

  WireWriter u16le(int value) {
    out.write(value & 0xFF);
    out.write((value >> 8) & 0xFF);
    return this;
  }

  WireWriter u64be(long value) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift) & 0xFF);
    }
    return this;
  }

  WireWriter u64le(long value) {
    for (int shift = 0; shift <= 56; shift += 8) {
      out.write((int) (value >>> shift) & 0xFF);
    }
    return this;
  }

  /** Little-endian integer of {@code size} bytes (ZCL uint24, int32, ...). */
  WireWriter intLe(long value, int size) {
    for (int i = 0; i < size; i++) {
      out.write((int) (value >>> (8 * i)) & 0xFF);
    }
    return this;
  }

  WireWriter bytes(byte[] value) {
    out.write(value, 0, value.length);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
