package io.edgerule.ota.device;

/** One of the two image slots of a gateway. */
public enum Slot {
  A,
  B;

  public Slot other() {
    return this == A ? B : A;
  }

  /** The slot named {@code text} ("A" or "B"), or an error naming {@code where}. */
  public static Slot parse(String text, String where) {
    if ("A".equals(text)) {
      return A;
    }
    if ("B".equals(text)) {
      return B;
    }
    throw new IllegalArgumentException(where + ": expected slot 'A' or 'B', got '" + text + "'");
  }
}
