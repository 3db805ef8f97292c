package io.edgerule.sim.modbus;

import java.util.Locale;

/** The four Modbus tables of a simulated unit. Addresses are 0-based protocol addresses. */
public enum SimTable {
  COIL("co", true),
  DISCRETE_INPUT("di", true),
  HOLDING_REGISTER("hr", false),
  INPUT_REGISTER("ir", false);

  private final String shortName;
  private final boolean bits;

  SimTable(String shortName, boolean bits) {
    this.shortName = shortName;
    this.bits = bits;
  }

  public boolean isBits() {
    return bits;
  }

  /** "co", "di", "hr" or "ir", as in generator specs. */
  public String shortName() {
    return shortName;
  }

  public String displayName() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** Parses a short name ("hr") or a full name ("holding_register", "holding-register"). */
  public static SimTable parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (SimTable table : values()) {
      if (table.shortName.equals(t) || table.name().toLowerCase(Locale.ROOT).equals(t)) {
        return table;
      }
    }
    throw new IllegalArgumentException(
        "unknown table '"
            + text
            + "': use co, di, hr or ir (coil, discrete_input,"
            + " holding_register, input_register)");
  }
}
