package io.edgerule.adapter.modbus;

/** How the bits at a point's address are interpreted. */
public enum ModbusDataType {
  /** A coil or discrete input. */
  BOOL(0),
  /** One bit (0 = least significant) of a 16-bit register; needs {@code bit: 0..15}. */
  BIT(1),
  INT16(1),
  UINT16(1),
  INT32(2),
  UINT32(2),
  /** IEEE 754 single precision. */
  FLOAT32(2),
  INT64(4),
  /** IEEE 754 double precision. */
  FLOAT64(4);

  private final int words;

  ModbusDataType(int words) {
    this.words = words;
  }

  /** The number of 16-bit registers the type occupies (0 for BOOL, which lives in a bit table). */
  public int words() {
    return words;
  }

  /** True for the types whose raw value is an integer (everything but bools and floats). */
  public boolean isInteger() {
    return this == INT16 || this == UINT16 || this == INT32 || this == UINT32 || this == INT64;
  }

  public String yamlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
