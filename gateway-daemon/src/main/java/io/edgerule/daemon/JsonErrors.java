package io.edgerule.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Jackson's parse errors as people read them: one line, without the hints meant for programmers
 * ("enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", "[Source: REDACTED ...]") and
 * never longer than a screen line or two (a hostile input can make a message megabytes long).
 */
public final class JsonErrors {
  private static final int MAX_MESSAGE = 300;
  private static final int MAX_VALUE = 80;
  private static final Pattern HINTS =
      Pattern.compile(
          ", from `[^`]*`"
              + "|: enable `[^`]*` to allow"
              + "|\\s*\\([^()]*\\[Source: [^\\]]*\\]\\)"
              + "|\\s*at \\[Source: [^\\]]*\\]"
              + "|\\s*\\(not recognized as one since Feature '[^']*' not enabled for parser\\)");

  private static final Pattern LONG_QUOTED = Pattern.compile("'([^'\\n]{60})[^'\\n]{20,}'");

  private JsonErrors() {}

  /** What is wrong with the JSON text, e.g. "Duplicate field 'value'". */
  public static String describe(JsonProcessingException e) {
    String original = String.valueOf(e.getOriginalMessage());
    if (e instanceof MismatchedInputException && original.startsWith("Trailing token")) {
      return "more than one JSON value (expected one object)";
    }
    String message = HINTS.matcher(original.replace('\n', ' ')).replaceAll("");
    return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
  }

  /**
   * A message built from hostile input as one readable line: control characters escaped, long
   * quoted values (an unknown key, a point name) shortened, the whole at most a few hundred chars.
   */
  public static String oneLine(String message) {
    String m = LONG_QUOTED.matcher(String.valueOf(message)).replaceAll("'$1...'");
    StringBuilder b = new StringBuilder(Math.min(m.length(), 2 * MAX_MESSAGE));
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.length() <= 2 * MAX_MESSAGE
        ? b.toString()
        : b.substring(0, MAX_MESSAGE) + " ... " + b.substring(b.length() - 200);
  }

  /** A JSON value for a message, shortened when long. */
  public static String shown(JsonNode v) {
    String text = String.valueOf(v);
    return text.length() <= MAX_VALUE ? text : text.substring(0, MAX_VALUE) + "...";
  }
}
