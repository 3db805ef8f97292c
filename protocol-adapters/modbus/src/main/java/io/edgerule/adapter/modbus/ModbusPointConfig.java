package io.edgerule.adapter.modbus;

import io.edgerule.adapter.ValueType;
import java.util.Locale;

/**
 * One Modbus point of a device: where it lives, how its bits become a value, and when a change is
 * worth reporting.
 *
 * <p>The value seen by rules is {@code raw * scale + offset}. Its type is bool for {@code BOOL} and
 * {@code BIT}; int64 for integer types when {@code scale == 1} and {@code offset == 0}; float64
 * otherwise (always for FLOAT32/FLOAT64).
 *
 * @param name the point name (the part after {@code device/} in the point id)
 * @param table the Modbus table
 * @param address the 0-based protocol address (holding register "40001" is address 0)
 * @param type the data type; defaults to BOOL for bit tables and UINT16 for register tables
 * @param bit for {@code BIT}: which bit of the register, 0 = least significant; null otherwise
 * @param wordOrder for multi-register types: BIG = most significant register first (default)
 * @param byteOrder within each register: BIG = high byte first (default, the Modbus standard)
 * @param scale multiplier applied to the raw value (default 1, not 0)
 * @param offset added after scaling (default 0)
 * @param deadband a numeric change is reported only when it exceeds this absolute amount (default
 *     0: every change)
 * @param writable whether rules may write the point; only coils and holding registers can be
 */
public record ModbusPointConfig(
    String name,
    ModbusTable table,
    Integer address,
    ModbusDataType type,
    Integer bit,
    Endianness wordOrder,
    Endianness byteOrder,
    Double scale,
    Double offset,
    Double deadband,
    Boolean writable) {

  public ModbusPointConfig {
    // Messages start with the field ("address: ..."): the config loader points at its line.
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: every point needs a name");
    }
    if (table == null) {
      throw new IllegalArgumentException(
          "table: required (coil, discrete_input, input_register, holding_register)");
    }
    if (address == null) {
      throw new IllegalArgumentException("address: required (0-based, 0..65535)");
    }
    if (address < 0 || address > 0xFFFF) {
      throw new IllegalArgumentException(
          "address: must be 0..65535 (the 0-based protocol address), got " + address);
    }
    if (type == null) {
      type = table.isBits() ? ModbusDataType.BOOL : ModbusDataType.UINT16;
    }
    if (table.isBits() && type != ModbusDataType.BOOL) {
      throw new IllegalArgumentException(
          "type: a "
              + table.yamlName()
              + " holds one bit: type must be bool, got "
              + type.yamlName());
    }
    if (!table.isBits() && type == ModbusDataType.BOOL) {
      throw new IllegalArgumentException(
          "type: bool needs a coil or discrete_input; for one bit of a register use type"
              + " bit with bit: 0..15");
    }
    if (type == ModbusDataType.BIT) {
      if (bit == null || bit < 0 || bit > 15) {
        throw new IllegalArgumentException(
            (bit == null ? "type" : "bit")
                + ": type bit needs bit: 0..15 (0 = least significant), got "
                + bit);
      }
    } else if (bit != null) {
      throw new IllegalArgumentException("bit: applies only to type bit, not " + type.yamlName());
    }
    int width = table.isBits() ? 1 : type.words();
    if (address + width - 1 > 0xFFFF) {
      throw new IllegalArgumentException(
          "address: " + type.yamlName() + " at address " + address + " runs past address 65535");
    }
    wordOrder = wordOrder == null ? Endianness.BIG : wordOrder;
    byteOrder = byteOrder == null ? Endianness.BIG : byteOrder;
    boolean bool = type == ModbusDataType.BOOL || type == ModbusDataType.BIT;
    if (bool && scale != null && scale != 1) {
      throw new IllegalArgumentException("scale: does not apply to bool points");
    }
    if (bool && offset != null && offset != 0) {
      throw new IllegalArgumentException("offset: does not apply to bool points");
    }
    if (bool && deadband != null && deadband != 0) {
      throw new IllegalArgumentException("deadband: does not apply to bool points");
    }
    scale = scale == null ? 1.0 : scale;
    offset = offset == null ? 0.0 : offset;
    deadband = deadband == null ? 0.0 : deadband;
    if (!Double.isFinite(scale) || scale == 0) {
      throw new IllegalArgumentException(
          "scale: must be a finite number other than 0, got " + scale);
    }
    if (!Double.isFinite(offset)) {
      throw new IllegalArgumentException("offset: must be a finite number, got " + offset);
    }
    if (!Double.isFinite(deadband) || deadband < 0) {
      throw new IllegalArgumentException("deadband: must be >= 0, got " + deadband);
    }
    writable = writable != null && writable;
    if (writable && !table.isWritable()) {
      throw new IllegalArgumentException(
          "writable: a "
              + table.yamlName()
              + " is read-only in Modbus: only coils and holding registers can be writable");
    }
  }

  /** A read-only point with defaults for everything but where it lives and its type. */
  public static ModbusPointConfig of(
      String name, ModbusTable table, int address, ModbusDataType type) {
    return new ModbusPointConfig(
        name, table, address, type, null, null, null, null, null, null, null);
  }

  /** How many addresses of its table the point occupies (1 for bits, 1 to 4 for registers). */
  public int width() {
    return table.isBits() ? 1 : type.words();
  }

  /** The last address the point occupies. */
  public int endAddress() {
    return address + width() - 1;
  }

  /** True when the value is scaled or offset (and therefore reported as float64). */
  public boolean isScaled() {
    return scale != 1.0 || offset != 0.0;
  }

  /** The type rules see; see the class comment for the rule. */
  public ValueType valueType() {
    if (type == ModbusDataType.BOOL || type == ModbusDataType.BIT) {
      return ValueType.BOOL;
    }
    return type.isInteger() && !isScaled() ? ValueType.INT64 : ValueType.FLOAT64;
  }

  /**
   * Where the point lives, in Modbus words, e.g. "holding_register 2 float32 word_order=little".
   */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(table.yamlName()).append(' ').append(address).append(' ').append(type.yamlName());
    if (type == ModbusDataType.BIT) {
      s.append(" bit=").append(bit);
    }
    if (type.words() > 1 && wordOrder != Endianness.BIG) {
      s.append(" word_order=").append(wordOrder.name().toLowerCase(Locale.ROOT));
    }
    if (!table.isBits() && byteOrder != Endianness.BIG) {
      s.append(" byte_order=").append(byteOrder.name().toLowerCase(Locale.ROOT));
    }
    if (isScaled()) {
      s.append(" scale=").append(scale).append(" offset=").append(offset);
    }
    return s.toString();
  }
}
