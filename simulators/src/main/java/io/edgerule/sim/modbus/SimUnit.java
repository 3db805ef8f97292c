package io.edgerule.sim.modbus;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The process image of one simulated unit (slave): the four tables, which addresses exist, their
 * values, and the generators and models that move them. Thread-safe: the server, the ticker and a
 * test may touch it at once. Reading or writing an address that is not mapped throws, so a test
 * that gets its addresses wrong fails loudly.
 */
public final class SimUnit {
  private record Binding(SimTable table, int address, SimEncoding encoding, ValueGenerator gen) {}

  private final int unitId;
  private final Map<SimTable, BitSet> mapped = new EnumMap<>(SimTable.class);
  private final Map<SimTable, BitSet> bits = new EnumMap<>(SimTable.class);
  private final Map<SimTable, char[]> registers = new EnumMap<>(SimTable.class);
  private final List<Binding> bindings = new ArrayList<>();
  private final List<ProcessModel> models = new ArrayList<>();

  SimUnit(int unitId) {
    if (unitId < 0 || unitId > 255) {
      throw new IllegalArgumentException("unit id must be 0..255, got " + unitId);
    }
    this.unitId = unitId;
    for (SimTable t : SimTable.values()) {
      mapped.put(t, new BitSet());
      if (t.isBits()) {
        bits.put(t, new BitSet());
      } else {
        registers.put(t, new char[65536]);
      }
    }
  }

  public int unitId() {
    return unitId;
  }

  /** Makes {@code count} addresses from {@code start} exist (value 0 / false). */
  public synchronized SimUnit map(SimTable table, int start, int count) {
    if (start < 0 || count < 1 || start + count > 65536) {
      throw new IllegalArgumentException(
          "cannot map "
              + count
              + " "
              + table.displayName()
              + "s from "
              + start
              + ": addresses are 0..65535");
    }
    mapped.get(table).set(start, start + count);
    return this;
  }

  public synchronized boolean isMapped(SimTable table, int address) {
    return address >= 0 && address <= 0xFFFF && mapped.get(table).get(address);
  }

  /** True when every address of {@code [start, start + count)} is mapped. */
  public synchronized boolean isMapped(SimTable table, int start, int count) {
    if (start < 0 || count < 1 || start + count > 65536) {
      return false;
    }
    return mapped.get(table).nextClearBit(start) >= start + count;
  }

  /** Which addresses are mapped, as "0-9, 20-21". */
  public synchronized String describe(SimTable table) {
    BitSet m = mapped.get(table);
    List<String> ranges = new ArrayList<>();
    for (int from = m.nextSetBit(0); from >= 0; ) {
      int to = m.nextClearBit(from);
      ranges.add(to - from == 1 ? "" + from : from + "-" + (to - 1));
      from = m.nextSetBit(to);
    }
    return String.join(", ", ranges);
  }

  // ------------------------------------------------------------------ raw access

  public synchronized boolean bit(SimTable table, int address) {
    requireBits(table);
    requireMapped(table, address, 1);
    return bits.get(table).get(address);
  }

  public synchronized void setBit(SimTable table, int address, boolean value) {
    requireBits(table);
    requireMapped(table, address, 1);
    bits.get(table).set(address, value);
  }

  /** The 16-bit value (0..65535) of one register. */
  public synchronized int register(SimTable table, int address) {
    requireRegisters(table);
    requireMapped(table, address, 1);
    return registers.get(table)[address];
  }

  public synchronized void setRegister(SimTable table, int address, int value) {
    setRegisters(table, address, value);
  }

  /** Consecutive raw registers from {@code address}; use this for non-standard word orders. */
  public synchronized void setRegisters(SimTable table, int address, int... words) {
    requireRegisters(table);
    requireMapped(table, address, words.length);
    for (int i = 0; i < words.length; i++) {
      if (words[i] < 0 || words[i] > 0xFFFF) {
        throw new IllegalArgumentException("register value must be 0..65535, got " + words[i]);
      }
      registers.get(table)[address + i] = (char) words[i];
    }
  }

  public synchronized int[] registers(SimTable table, int address, int count) {
    requireRegisters(table);
    requireMapped(table, address, count);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = registers.get(table)[address + i];
    }
    return out;
  }

  // ------------------------------------------------------------------ typed access

  /** Writes {@code value} in {@code encoding} (a bit for bit tables). */
  public synchronized void setValue(
      SimTable table, int address, SimEncoding encoding, double value) {
    if (table.isBits()) {
      setBit(table, address, value != 0);
    } else {
      setRegisters(table, address, encoding.encode(value));
    }
  }

  public synchronized double value(SimTable table, int address, SimEncoding encoding) {
    if (table.isBits()) {
      return bit(table, address) ? 1 : 0;
    }
    return encoding.decode(registers(table, address, encoding.words()));
  }

  public synchronized float float32(SimTable table, int address) {
    return (float) value(table, address, SimEncoding.FLOAT32);
  }

  public synchronized void setFloat32(SimTable table, int address, float value) {
    setValue(table, address, SimEncoding.FLOAT32, value);
  }

  // ------------------------------------------------------------------ conveniences

  public int holdingRegister(int address) {
    return register(SimTable.HOLDING_REGISTER, address);
  }

  public void setHoldingRegister(int address, int value) {
    setRegister(SimTable.HOLDING_REGISTER, address, value);
  }

  public int inputRegister(int address) {
    return register(SimTable.INPUT_REGISTER, address);
  }

  public void setInputRegister(int address, int value) {
    setRegister(SimTable.INPUT_REGISTER, address, value);
  }

  public boolean coil(int address) {
    return bit(SimTable.COIL, address);
  }

  public void setCoil(int address, boolean value) {
    setBit(SimTable.COIL, address, value);
  }

  public boolean discreteInput(int address) {
    return bit(SimTable.DISCRETE_INPUT, address);
  }

  public void setDiscreteInput(int address, boolean value) {
    setBit(SimTable.DISCRETE_INPUT, address, value);
  }

  // ------------------------------------------------------------------ generators and models

  /**
   * Drives {@code table[address]} (and the following registers the encoding needs) from {@code
   * generator}: maps the addresses and writes the first value now, the next one every tick.
   */
  public synchronized SimUnit generate(
      SimTable table, int address, SimEncoding encoding, ValueGenerator generator) {
    if (table.isBits() != (encoding == SimEncoding.BOOL)) {
      throw new IllegalArgumentException(
          table.isBits()
              ? "a " + table.displayName() + " holds one bit: use encoding bool"
              : "encoding bool needs a coil or discrete input");
    }
    map(table, address, table.isBits() ? 1 : encoding.words());
    Binding b = new Binding(table, address, encoding, generator);
    bindings.add(b);
    setValue(table, address, encoding, generator.next());
    return this;
  }

  /** Installs {@code model} (it maps its addresses) and steps it every tick. */
  public synchronized SimUnit model(ProcessModel model) {
    model.install(this);
    models.add(model);
    return this;
  }

  /** One tick: every generator's next value, then every model advanced by {@code dtSeconds}. */
  synchronized void tick(double dtSeconds) {
    for (Binding b : bindings) {
      setValue(b.table(), b.address(), b.encoding(), b.gen().next());
    }
    for (ProcessModel m : models) {
      m.step(dtSeconds, this);
    }
  }

  synchronized List<String> describeGenerators() {
    List<String> out = new ArrayList<>();
    for (Binding b : bindings) {
      out.add(
          b.table().shortName()
              + ":"
              + b.address()
              + ":"
              + b.encoding().name().toLowerCase(java.util.Locale.ROOT));
    }
    for (ProcessModel m : models) {
      out.add(m.toString());
    }
    return out;
  }

  private static void requireBits(SimTable table) {
    if (!table.isBits()) {
      throw new IllegalArgumentException(table.displayName() + "s hold registers, not bits");
    }
  }

  private static void requireRegisters(SimTable table) {
    if (table.isBits()) {
      throw new IllegalArgumentException(table.displayName() + "s hold bits, not registers");
    }
  }

  private void requireMapped(SimTable table, int address, int count) {
    if (!isMapped(table, address, count)) {
      throw new IllegalArgumentException(
          "unit "
              + unitId
              + ": "
              + table.displayName()
              + " "
              + address
              + (count > 1 ? ".." + (address + count - 1) : "")
              + " is not mapped (mapped: "
              + describe(table)
              + ")");
    }
  }
}
