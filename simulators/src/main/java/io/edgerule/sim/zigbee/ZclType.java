package io.edgerule.sim.zigbee;

import java.nio.charset.StandardCharsets;

/**
 * The ZCL attribute data types the virtual devices use (ZCL spec, table "Data Types"), with their
 * wire size. Numeric values are carried as {@code long}; strings as {@link String}.
 */
public enum ZclType {
  BOOLEAN(0x10, 1, false, false),
  BITMAP8(0x18, 1, false, false),
  BITMAP16(0x19, 2, false, false),
  UINT8(0x20, 1, true, false),
  UINT16(0x21, 2, true, false),
  UINT24(0x22, 3, true, false),
  UINT32(0x23, 4, true, false),
  INT8(0x28, 1, true, true),
  INT16(0x29, 2, true, true),
  INT24(0x2A, 3, true, true),
  INT32(0x2B, 4, true, true),
  ENUM8(0x30, 1, false, false),
  ENUM16(0x31, 2, false, false),
  CHAR_STRING(0x42, -1, false, false);

  private final int id;
  private final int size;
  private final boolean analog;
  private final boolean signed;

  ZclType(int id, int size, boolean analog, boolean signed) {
    this.id = id;
    this.size = size;
    this.analog = analog;
    this.signed = signed;
  }

  public int id() {
    return id;
  }

  /** Analog types carry a "reportable change" in Configure Reporting; discrete types do not. */
  public boolean isAnalog() {
    return analog;
  }

  public static ZclType byId(int id) {
    for (ZclType t : values()) {
      if (t.id == id) {
        return t;
      }
    }
    throw new IllegalArgumentException(String.format("unsupported ZCL data type 0x%02X", id));
  }

  void write(WireWriter out, Object value) {
    if (this == CHAR_STRING) {
      byte[] text = ((String) value).getBytes(StandardCharsets.UTF_8);
      out.u8(text.length).bytes(text);
    } else {
      out.intLe(((Number) value).longValue(), size);
    }
  }

  Object read(WireReader in) {
    if (this == CHAR_STRING) {
      int length = in.u8("string length");
      return new String(in.bytes(length, "string"), StandardCharsets.UTF_8);
    }
    long raw = in.uintLe(size, name() + " value");
    if (signed) {
      int shift = 64 - 8 * size;
      raw = (raw << shift) >> shift;
    }
    return raw;
  }
}
