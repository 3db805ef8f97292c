package io.edgerule.sandbox.internal;

/**
 * Makes text a rule produces (its log lines and alarm messages) safe for the gateway's log: one
 * line, no terminal control. A rule logging "ok\nrule 'pump' quarantined" or ANSI escapes could
 * otherwise print lines that look like the gateway's own (issue 16, class 9). Line breaks and tabs
 * become {@code \n}, {@code \r}, {@code \t}; every other control character (C0, DEL, C1 such as
 * NEL), the Unicode line and paragraph separators, the bidirectional overrides that reorder what a
 * terminal shows, and unpaired surrogates become {@code \}{@code uXXXX}. Everything else, any
 * script included, passes unchanged.
 */
public final class LogText {
  private LogText() {}

  public static String escape(String text) {
    int i = 0;
    while (i < text.length() && !needsEscape(text, i)) {
      i++;
    }
    if (i == text.length()) {
      return text; // the usual case: no copy
    }
    StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, i);
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!needsEscape(text, i)) {
        b.append(c);
      } else if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else {
        b.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]);
        b.append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
      }
    }
    return b.toString();
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static boolean needsEscape(String s, int i) {
    char c = s.charAt(i);
    if (c >= 0x20 && c < 0x7f) {
      return false;
    }
    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
      return true;
    }
    if (c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069') {
      return true; // bidirectional embeddings, overrides and isolates
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
