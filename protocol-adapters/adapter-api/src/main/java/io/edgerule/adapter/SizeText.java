package io.edgerule.adapter;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of byte sizes in edgerule's files: a whole number and an optional unit, {@code
 * 4096}, {@code 512 KiB}, {@code 64MiB}, {@code 2 GiB}; {@code KB}, {@code MB}, {@code GB}, {@code
 * TB} and {@code PB} are decimal (1000-based), {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}
 * and {@code PiB} binary; {@code B} or no unit means bytes. Never negative; at most {@link #MAX}.
 * Whether zero is allowed for a setting is the setting's own rule. Messages print sizes with {@link
 * #format}.
 */
public final class SizeText {
  private static final Pattern SIZE =
      Pattern.compile(
          "(\\d{1,19})\\s*(b|kb|mb|gb|tb|pb|kib|mib|gib|tib|pib)?", Pattern.CASE_INSENSITIVE);

  /** The largest size accepted: 1 PiB (far beyond any disk of a gateway, far from overflow). */
  public static final long MAX = 1L << 50;

  private SizeText() {}

  /**
   * @throws IllegalArgumentException saying what is wrong and what a size looks like
   */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          DurationText.quote(text)
              + " is not a size: write e.g. 4096, 512 KiB, 64 MiB, 2 GiB or 10 MB");
    }
    long unit =
        switch (m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT)) {
          case "kb" -> 1000L;
          case "mb" -> 1000L * 1000;
          case "gb" -> 1000L * 1000 * 1000;
          case "tb" -> 1000L * 1000 * 1000 * 1000;
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          case "pb" -> 1000L * 1000 * 1000 * 1000 * 1000;
          case "tib" -> 1L << 40;
          case "pib" -> 1L << 50;
          default -> 1L;
        };
    long n;
    try {
      n = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw tooLarge(text);
    }
    if (n > MAX) {
      throw tooLarge(text);
    }
    return n;
  }

  private static IllegalArgumentException tooLarge(String text) {
    return new IllegalArgumentException(
        "size " + DurationText.quote(text) + " is too large (at most 1 PiB)");
  }

  /**
   * {@code bytes} in the largest binary unit that holds it exactly: {@code 64 MiB}, {@code 1000 B}.
   */
  public static String format(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int u = 0;
    long n = bytes;
    while (n != 0 && n % 1024 == 0 && u < units.length - 1) {
      n /= 1024;
      u++;
    }
    return n + " " + units[u];
  }
}
