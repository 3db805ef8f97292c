package io.edgerule.sandbox.internal.yaml;

/**
 * Quotes a value from a configuration file for an error message: {@code 'tank/#/x'}. A hostile or
 * broken file can hold a 500,000-character line or control characters; a message shows the start of
 * a long value and its length, and control characters escaped, so it stays one readable line.
 */
public final class Quote {
  /** Longest value shown whole. */
  static final int SHOWN = 80;

  private Quote() {}

  /** {@code 'text'}, or {@code 'first 80 characters...' (123456 characters)}. */
  public static String of(String text) {
    return "'"
        + abbreviate(text, SHOWN)
        + "'"
        + (text.length() > SHOWN ? " (" + text.length() + " characters)" : "");
  }

  /** The text, cut to {@code max} characters (with "...") and with control characters escaped. */
  public static String abbreviate(String text, int max) {
    boolean cut = text.length() > max;
    String shown = cut ? text.substring(0, max) : text;
    StringBuilder b = new StringBuilder(shown.length() + 8);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c) && !wellFormedPairAt(shown, i)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return cut ? b.append("...").toString() : b.toString();
  }

  private static boolean wellFormedPairAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
