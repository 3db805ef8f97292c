package io.edgerule.ota.image;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway version as the build stamps it ({@code 0.1.0}, {@code 0.2.0-SNAPSHOT}): dotted numbers
 * compared numerically, and a pre-release suffix ordering before its release (semver's rule).
 */
public record GatewayVersion(int[] numbers, String preRelease)
    implements Comparable<GatewayVersion> {
  private static final Pattern FORM =
      Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9}){0,3})(?:-([0-9A-Za-z.-]{1,64}))?");

  public GatewayVersion {
    numbers = numbers.clone();
  }

  /**
   * @throws IllegalArgumentException for anything but 1-4 dotted numbers and an optional suffix
   */
  public static GatewayVersion parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a version like 1.2.0 or 1.2.0-SNAPSHOT");
    }
    int[] n = Arrays.stream(m.group(1).split("\\.")).mapToInt(Integer::parseInt).toArray();
    return new GatewayVersion(n, m.group(2) == null ? "" : m.group(2));
  }

  @Override
  public int[] numbers() {
    return numbers.clone();
  }

  @Override
  public int compareTo(GatewayVersion o) {
    for (int i = 0; i < Math.max(numbers.length, o.numbers.length); i++) {
      int a = i < numbers.length ? numbers[i] : 0;
      int b = i < o.numbers.length ? o.numbers[i] : 0;
      if (a != b) {
        return Integer.compare(a, b);
      }
    }
    if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
      return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
    }
    return preRelease.compareTo(o.preRelease);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GatewayVersion v && compareTo(v) == 0 && preRelease.equals(v.preRelease);
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < numbers.length; i++) {
      s.append(i == 0 ? "" : ".").append(numbers[i]);
    }
    return preRelease.isEmpty() ? s.toString() : s + "-" + preRelease;
  }
}
