package io.edgerule.mqtt.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * The most one message class may hold in the outbox: when a commit would exceed {@code maxBytes}
 * the class's oldest messages are dropped; messages older than {@code maxAge} are dropped too.
 */
public record ClassBudget(long maxBytes, Duration maxAge) {
  public ClassBudget {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
    }
  }
}
