package io.edgerule.mqtt.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * How the {@link Forwarder} drains the outbox.
 *
 * @param window publishes sent and not yet acknowledged, at most
 * @param backlogShare while a backlog is replayed and live messages wait too, the fraction of sends
 *     given to the backlog (0.5: every other message); the rest goes to live messages
 * @param maxHeldLive live messages held back because their topic still has backlog (per-topic
 *     order); when reached, live reading pauses until the backlog catches up (bounds memory)
 * @param retryMin first wait after a failed publish; doubles up to {@code retryMax}
 */
public record ForwarderConfig(
    int window, double backlogShare, int maxHeldLive, Duration retryMin, Duration retryMax) {

  public ForwarderConfig {
    Objects.requireNonNull(retryMin, "retryMin");
    Objects.requireNonNull(retryMax, "retryMax");
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, was " + window);
    }
    if (!(backlogShare > 0 && backlogShare <= 1)) {
      throw new IllegalArgumentException("backlogShare must be in (0, 1], was " + backlogShare);
    }
    if (maxHeldLive < 1) {
      throw new IllegalArgumentException("maxHeldLive must be at least 1, was " + maxHeldLive);
    }
    if (retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException(
          "need 0 < retryMin <= retryMax, were " + retryMin + ", " + retryMax);
    }
  }

  /** Window 100, backlog share 0.5, 10,000 held live messages, retries 100 ms to 5 s. */
  public static ForwarderConfig defaults() {
    return new ForwarderConfig(100, 0.5, 10_000, Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  public ForwarderConfig withWindow(int w) {
    return new ForwarderConfig(w, backlogShare, maxHeldLive, retryMin, retryMax);
  }

  public ForwarderConfig withBacklogShare(double s) {
    return new ForwarderConfig(window, s, maxHeldLive, retryMin, retryMax);
  }

  public ForwarderConfig withRetry(Duration min, Duration max) {
    return new ForwarderConfig(window, backlogShare, maxHeldLive, min, max);
  }
}
