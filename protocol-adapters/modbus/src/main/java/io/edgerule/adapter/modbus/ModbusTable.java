package io.edgerule.adapter.modbus;

/**
 * The four Modbus data tables. Addresses within a table are the 0-based protocol addresses that go
 * on the wire, not the 1-based "register numbers" of vendor manuals (holding register 40001 is
 * {@code HOLDING_REGISTER} address 0).
 */
public enum ModbusTable {
  /** Read/write single bits (FC01 read, FC05/FC15 write); manual numbers 00001-09999. */
  COIL(true, true),
  /** Read-only single bits (FC02); manual numbers 10001-19999. */
  DISCRETE_INPUT(true, false),
  /** Read-only 16-bit registers (FC04); manual numbers 30001-39999. */
  INPUT_REGISTER(false, false),
  /** Read/write 16-bit registers (FC03 read, FC06/FC16 write); manual numbers 40001-49999. */
  HOLDING_REGISTER(false, true);

  private final boolean bits;
  private final boolean writable;

  ModbusTable(boolean bits, boolean writable) {
    this.bits = bits;
    this.writable = writable;
  }

  /** True for coils and discrete inputs (one bit per address). */
  public boolean isBits() {
    return bits;
  }

  /** True for the tables a master can write: coils and holding registers. */
  public boolean isWritable() {
    return writable;
  }

  /** The name as written in YAML, e.g. "holding_register". */
  public String yamlName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
