package io.edgerule.sim.modbus;

/** An inclusive address range from the command line: "0-99" or a single "5". */
public record AddressRange(int first, int last) {
  public AddressRange {
    if (first < 0 || last > 0xFFFF || first > last) {
      throw new IllegalArgumentException(
          "address range " + first + "-" + last + " must lie within 0-65535, first <= last");
    }
  }

  public static AddressRange parse(String text) {
    String t = text.trim();
    try {
      int dash = t.indexOf('-');
      if (dash < 0) {
        int a = Integer.parseInt(t);
        return new AddressRange(a, a);
      }
      return new AddressRange(
          Integer.parseInt(t.substring(0, dash).trim()),
          Integer.parseInt(t.substring(dash + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "address range '" + text + "': expected FIRST-LAST (e.g. 0-99) or one address");
    }
  }

  public int count() {
    return last - first + 1;
  }
}
