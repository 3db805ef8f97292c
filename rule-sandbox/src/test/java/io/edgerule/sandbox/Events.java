package io.edgerule.sandbox;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Builds point events for tests with a rising sequence number. */
final class Events {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private Events() {}

  static PointEvent of(String point, PointValue value) {
    return of(point, value, Quality.GOOD);
  }

  static PointEvent of(String point, PointValue value, Quality quality) {
    long seq = SEQUENCE.incrementAndGet();
    return new PointEvent(PointId.parse(point), value, quality, T0, T0.plusMillis(seq), seq);
  }

  static PointEvent f64(String point, double value) {
    return of(point, PointValue.of(value));
  }
}
