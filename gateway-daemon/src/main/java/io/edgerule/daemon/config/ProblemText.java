package io.edgerule.daemon.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Library messages made fit for a config error: one line, short quotes, no Java class names. */
final class ProblemText {
  /** Single-quoted values longer than this are shortened in messages (a 2 MB id is no help). */
  private static final Pattern LONG_QUOTED = Pattern.compile("'([^'\\n]{60})[^'\\n]{20,}'");

  private ProblemText() {}

  /** Long quoted values shortened, then {@link #oneLine}. */
  static String readable(String problem) {
    return oneLine(LONG_QUOTED.matcher(problem).replaceAll("'$1...'"));
  }

  /**
   * Control characters from the input (SnakeYAML's "but found: \"\n\"", a value quoted in a
   * record's message) are escaped: the message stays one line, as the CLI prints it.
   */
  static String oneLine(String problem) {
    StringBuilder b = new StringBuilder(problem.length());
    for (int i = 0; i < problem.length(); i++) {
      char c = problem.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\r') {
        b.append("\\r");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Strips Java class names out of library messages. */
  static String simplify(String message) {
    return message
        // Jackson's limits name their setting: "(1000, from `StreamReadConstraints.get...()`)".
        .replaceAll(", from `[^`]*`", "")
        .replaceAll("`?(?:[a-z]+\\.)+([A-Z][A-Za-z0-9$]*)`?", "$1");
  }
}
