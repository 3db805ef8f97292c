package io.edgerule.adapter;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of durations in edgerule's files and command lines: the gateway config, rule
 * manifests and the CLI all parse with {@link #parse}, and messages print durations with {@link
 * #format} ({@code 5ms}, never {@code PT0.005S}).
 *
 * <p>A duration is a whole number and a unit ({@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h},
 * {@code 1d}), a bare {@code 0}, or ISO-8601 ({@code PT2S}); never negative and at most {@code
 * 36500d}. Whether zero (or any other value) is allowed for a setting is the setting's own rule.
 */
public final class DurationText {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  /**
   * The longest duration accepted (100 years). Callers turn durations into nanoseconds and add them
   * to clock readings; a bound far below Long.MAX_VALUE nanoseconds (~292 years) keeps that from
   * overflowing into a negative timeout.
   */
  public static final Duration MAX = Duration.ofDays(36_500);

  /** Longest text quoted whole in a message; a hostile file can hold a 500,000-character value. */
  private static final int SHOWN = 80;

  private DurationText() {}

  /**
   * Parses {@code <number><unit>} with unit ms, s, m, h or d, a bare {@code 0}, or an ISO-8601
   * duration (PT2S). Durations are never negative and at most 36500d (100 years).
   *
   * @throws IllegalArgumentException saying what is wrong and what a duration looks like
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
        quote(text) + " is not a duration: write e.g. 250ms, 2s, 5m, 1h or 1d");
  }

  /**
   * ISO-8601 lets PT-5S through, and huge values overflow toMillis()/toNanos() in the code that
   * uses them (an ArithmeticException at run time, or a negative timeout): both are errors.
   */
  private static Duration checked(String text, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("duration " + quote(text) + " is negative");
    }
    if (d.compareTo(MAX) > 0) {
      throw tooLarge(text);
    }
    return d;
  }

  private static IllegalArgumentException tooLarge(String text) {
    return new IllegalArgumentException(
        "duration " + quote(text) + " is too large (at most 36500d, 100 years)");
  }

  /**
   * {@code d} as {@link #parse} reads it, in the largest unit that represents it exactly: {@code
   * 5ms}, {@code 2s}, {@code 90s}, {@code 5m}, {@code 1h}, {@code 1d}; {@code 0} for zero. A
   * duration finer than a millisecond (only ISO-8601 can write one) is printed in ISO-8601. Never
   * throws: messages print whatever value a setting was given.
   */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0";
    }
    if (d.isNegative()) {
      Duration positive;
      try {
        positive = d.negated();
      } catch (ArithmeticException e) {
        return d.toString(); // the most negative Duration has no positive twin
      }
      return "-" + format(positive);
    }
    long seconds = d.getSeconds();
    int nanos = d.getNano();
    if (nanos == 0) {
      if (seconds % 86_400 == 0) {
        return seconds / 86_400 + "d";
      }
      if (seconds % 3_600 == 0) {
        return seconds / 3_600 + "h";
      }
      if (seconds % 60 == 0) {
        return seconds / 60 + "m";
      }
      return seconds + "s";
    }
    if (nanos % 1_000_000 == 0) {
      try {
        return Math.addExact(Math.multiplyExact(seconds, 1000L), nanos / 1_000_000) + "ms";
      } catch (ArithmeticException e) {
        return d.toString();
      }
    }
    return d.toString();
  }

  /**
   * {@code 'text'} for a message: a long value is cut to its first 80 characters (plus its length),
   * control characters are escaped, so the message stays one readable line.
   */
  static String quote(String text) { // also SizeText's
    boolean cut = text.length() > SHOWN;
    String shown = cut ? text.substring(0, SHOWN) : text;
    StringBuilder b = new StringBuilder(shown.length() + 32).append('\'');
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (Character.isISOControl(c)) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append(cut ? "...'" : "'");
    return cut
        ? b.append(" (").append(text.length()).append(" characters)").toString()
        : b.toString();
  }
}
