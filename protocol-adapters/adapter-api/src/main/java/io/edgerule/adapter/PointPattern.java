package io.edgerule.adapter;

import java.util.Objects;

/**
 * A pattern over point ids in MQTT style: segments separated by '/', {@code +} matches one segment,
 * a trailing {@code #} matches any number of remaining segments (including none). {@code tank/+}
 * matches {@code tank/level}; {@code +/temperature} matches every device's temperature.
 */
public final class PointPattern {
  private final String text;
  private final String[] segments;

  private PointPattern(String text) {
    this.text = text;
    this.segments = text.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.isEmpty()) {
        throw new IllegalArgumentException("invalid point pattern '" + text + "': empty segment");
      }
      if (s.equals("#") && i != segments.length - 1) {
        throw new IllegalArgumentException(
            "invalid point pattern '" + text + "': '#' must be the last segment");
      }
      if (!s.equals("#") && !s.equals("+") && (s.contains("#") || s.contains("+"))) {
        throw new IllegalArgumentException(
            "invalid point pattern '" + text + "': '+' and '#' must stand alone in a segment");
      }
    }
  }

  public static PointPattern parse(String text) {
    Objects.requireNonNull(text, "text");
    return new PointPattern(text.trim());
  }

  public boolean matches(PointId id) {
    return matches(id.toString());
  }

  /** Matches a '/'-separated name (a point id or an MQTT topic). */
  public boolean matches(String name) {
    String[] parts = name.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      if (s.equals("#")) {
        return true;
      }
      if (i >= parts.length) {
        return false;
      }
      if (!s.equals("+") && !s.equals(parts[i])) {
        return false;
      }
    }
    return parts.length == segments.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PointPattern p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
