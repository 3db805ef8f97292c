package io.edgerule.adapter;

import java.time.Instant;
import java.util.Objects;

/**
 * A sample as it travels through the gateway: stamped with the time the gateway received it and a
 * sequence number that is strictly increasing across the whole gateway (so consumers can prove that
 * no event was lost or handled twice).
 */
public record PointEvent(
    PointId point,
    PointValue value,
    Quality quality,
    Instant sourceTime,
    Instant receiveTime,
    long sequence) {

  public PointEvent {
    Objects.requireNonNull(point, "point");
    Objects.requireNonNull(quality, "quality");
    Objects.requireNonNull(sourceTime, "sourceTime");
    Objects.requireNonNull(receiveTime, "receiveTime");
    if (value == null && quality.isGood()) {
      throw new IllegalArgumentException("a GOOD event of " + point + " needs a value");
    }
  }

  public static PointEvent of(PointSample sample, Instant receiveTime, long sequence) {
    return new PointEvent(
        sample.point(),
        sample.value(),
        sample.quality(),
        sample.sourceTime(),
        receiveTime,
        sequence);
  }
}
