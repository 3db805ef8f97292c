package io.edgerule.adapter.zigbee.internal;

import io.edgerule.adapter.PointValue;

/** Lenient conversions of written values: what a rule or an MQTT command most likely meant. */
public final class Values {
  private Values() {}

  /** bool, or int64 0/1; null for anything else. */
  public static Boolean asBool(PointValue value) {
    if (value instanceof PointValue.Bool b) {
      return b.value();
    }
    if (value instanceof PointValue.Int64 i && (i.value() == 0 || i.value() == 1)) {
      return i.value() == 1;
    }
    return null;
  }

  /** int64, or a float64 without a fraction; null for anything else. */
  public static Long asLong(PointValue value) {
    if (value instanceof PointValue.Int64 i) {
      return i.value();
    }
    if (value instanceof PointValue.Float64 f
        && f.value() == Math.rint(f.value())
        && Math.abs(f.value()) < 1e15) {
      return (long) f.value();
    }
    return null;
  }
}
