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
