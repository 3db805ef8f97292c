package io.edgerule.daemon.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config files: {@code 250ms}, {@code 2s}, {@code 5m}, {@code
 * 1h}.
 */
public final class DurationText {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  /**
   * The longest duration accepted (100 years). Callers turn durations into nanoseconds and add them
   * to clock readings; a bound far below Long.MAX_VALUE nanoseconds (~292 years) keeps that from
   * overflowing into a negative timeout.
   */
  private static final Duration MAX = Duration.ofDays(36_500);

  private DurationText() {}

  /**
   * Parses {@code <number><unit>} with unit ms, s, m, h or d, a bare {@code 0}, or an ISO-8601
   * duration (PT2S). Durations are never negative and at most 36500d (100 years).
   *
   * @throws IllegalArgumentException with the accepted forms
   */
  public static Duration parse(String text) {
    String t = text.trim();
    if (t.equals("0")) {
      // Zero needs no unit ("integrity_interval: 0" turns it off); a setting where zero makes no
      // sense refuses it with its own range.
      return Duration.ZERO;
    }
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      Duration d;
      try {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
      } catch (NumberFormatException | ArithmeticException e) {
        // ArithmeticException: e.g. 99999999999999999d fits a long but overflows Duration.
        throw tooLarge(text);
      }
      return checked(text, d);
    }
    if (t.startsWith("P") || t.startsWith("p")) {
      Duration d = null;
      try {
        d = Duration.parse(t);
      } catch (DateTimeParseException e) {
        // fall through to the common message (also thrown for numeric overflow)
      }
      if (d != null) {
        return checked(text, d);
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a duration: write e.g. 250ms, 2s, 5m, 1h or 1d");
  }

  /**
   * ISO-8601 lets PT-5S through, and huge values overflow toMillis()/toNanos() in the code that
   * uses them (an ArithmeticException at run time, or a negative timeout): both are config errors.
   */
  private static Duration checked(String text, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("duration '" + text + "' is negative");
    }
    if (d.compareTo(MAX) > 0) {
      throw tooLarge(text);
    }
    return d;
  }

  private static IllegalArgumentException tooLarge(String text) {
    return new IllegalArgumentException(
        "duration '" + text + "' is too large (at most 36500d, 100 years)");
  }
}
