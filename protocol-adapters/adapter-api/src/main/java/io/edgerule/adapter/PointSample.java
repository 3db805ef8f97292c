package io.edgerule.adapter;

import java.time.Instant;
import java.util.Objects;

/**
 * What an adapter reports: a point's value and quality at the device's (source) time. The value is
 * null only when the quality is not GOOD and no value could be read at all.
 */
public record PointSample(PointId point, PointValue value, Quality quality, Instant sourceTime) {
  public PointSample {
    Objects.requireNonNull(point, "point");
    Objects.requireNonNull(quality, "quality");
    Objects.requireNonNull(sourceTime, "sourceTime");
    if (value == null && quality.isGood()) {
      throw new IllegalArgumentException("a GOOD sample of " + point + " needs a value");
    }
  }

  public static PointSample good(PointId point, PointValue value, Instant sourceTime) {
    return new PointSample(point, value, Quality.GOOD, sourceTime);
  }
}
