package io.edgerule.adapter;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The name of a point: {@code device/point}. The device part is one segment; the point part may
 * have several segments ({@code plug1/power/active}). Names are used verbatim in MQTT topics, so
 * the MQTT wildcards {@code +} and {@code #} and empty segments are not allowed.
 */
public record PointId(String device, String point) implements Comparable<PointId> {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.:\\-]+");

  public PointId {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(point, "point");
    if (!SEGMENT.matcher(device).matches()) {
      throw new IllegalArgumentException(
          "invalid device name '" + device + "': use letters, digits, '_', '.', ':' or '-'");
    }
    for (String segment : point.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            "invalid point name '"
                + point
                + "': segments separated by '/' of letters, digits, '_', '.', ':' or '-'");
      }
    }
  }

  /** Parses {@code device/point}; the first '/' separates the device from the point. */
  public static PointId parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("invalid point id '" + text + "': expected device/point");
    }
    return new PointId(text.substring(0, slash), text.substring(slash + 1));
  }

  /**
   * The record's own hash ({@code 31 * device + point}) collides for numbered names: {@code u1/r25}
   * and {@code u2/r15} hash alike, so 1,030 points of the end-to-end benchmark (units u1..u10,
   * registers r0..r99) had 385 distinct hashes, up to 9 points each, and every map keyed by points
   * (the point directory, the rule routes, the rules' point tables) fell back to comparing names.
   * Multiplying the device's hash by an odd constant with well-spread bits keeps them apart.
   */
  @Override
  public int hashCode() {
    return device.hashCode() * 0x9E3779B9 + point.hashCode();
  }

  @Override
  public int compareTo(PointId other) {
    int c = device.compareTo(other.device);
    return c != 0 ? c : point.compareTo(other.point);
  }

  @Override
  public String toString() {
    return device + "/" + point;
  }
}
