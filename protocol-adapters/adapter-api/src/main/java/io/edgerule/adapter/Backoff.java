package io.edgerule.adapter;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect backoff: {@code initial * multiplier^attempt}, capped at {@code max}, with up to 20%
 * random jitter subtracted so that a fleet of gateways that lost a device server at the same moment
 * does not come back in lockstep.
 */
public record Backoff(Duration initial, Duration max, double multiplier) {
  /** The longest delay whose milliseconds fit in a long (some 292 million years). */
  private static final Duration LONGEST = Duration.ofMillis(Long.MAX_VALUE);

  public static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 2);

  public Backoff {
    // Messages start with the field: the config loader points at its line in "reconnect:".
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException(
          "initial: must be > 0, got " + DurationText.format(initial));
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "max: " + DurationText.format(max) + " is below initial " + DurationText.format(initial));
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier: must be >= 1, got " + multiplier);
    }
    if (max.compareTo(LONGEST) > 0) { // delay() works in milliseconds: toMillis() would overflow
      throw new IllegalArgumentException(
          "max: must be at most "
              + DurationText.format(LONGEST)
              + ", got "
              + DurationText.format(max));
    }
  }

  /** The delay before retry number {@code attempt} (0 for the first retry), without jitter. */
  public Duration nominalDelay(int attempt) {
    double factor = Math.pow(multiplier, Math.max(0, attempt));
    if (factor == 1) {
      return initial; // exactly: in whole milliseconds a 0.5 ms initial delay became 0
    }
    double seconds = (initial.getSeconds() + initial.getNano() / 1e9) * factor;
    if (!(seconds < max.getSeconds() + max.getNano() / 1e9)) {
      return max;
    }
    long whole = (long) seconds;
    Duration d = Duration.ofSeconds(whole, Math.round((seconds - whole) * 1e9));
    return d.compareTo(initial) < 0 ? initial : d.compareTo(max) > 0 ? max : d;
  }

  /** {@link #nominalDelay} less up to 20% jitter. */
  public Duration delay(int attempt) {
    long nominal = nominalDelay(attempt).toMillis();
    long jitter = (long) (nominal * 0.2 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(Math.max(1, nominal - jitter));
  }
}
