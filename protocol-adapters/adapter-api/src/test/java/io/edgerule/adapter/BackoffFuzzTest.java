package io.edgerule.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Backoff settings from hostile YAML (nanosecond and ten-billion-year durations, NaN and infinite
 * multipliers) and every attempt number: a backoff that gives delays from its initial to its max,
 * growing with the attempt, or an IllegalArgumentException; never an overflow.
 */
class BackoffFuzzTest {
  private static final long SEED = 0x5EED_3002L;
  private static final Duration[] DURATIONS = {
    Duration.ZERO,
    Duration.ofNanos(1),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(100),
    Duration.ofSeconds(30),
    Duration.ofDays(365 * 1000),
    Duration.ofSeconds(-1),
    Duration.ofSeconds(Long.MAX_VALUE),
    Duration.ofMillis(Long.MAX_VALUE),
  };
  private static final double[] MULTIPLIERS = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.MAX_VALUE, 0, 0.5, 1, 1.5, 2, 10
  };
  private static final int[] ATTEMPTS = {
    Integer.MIN_VALUE, -1, 0, 1, 2, 10, 64, 1000, Integer.MAX_VALUE
  };

  @Test
  void aMaxTooLongForMillisecondsIsRefusedNotOverflowedLater() {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> new Backoff(Duration.ofMillis(100), Duration.ofSeconds(Long.MAX_VALUE), 2));
    assertTrue(e.getMessage().startsWith("max: must be at most"), e.getMessage());
  }

  @Test
  void aSubMillisecondInitialDelayIsKept() {
    Backoff b = new Backoff(Duration.ofNanos(500_000), Duration.ofSeconds(1), 2);
    assertEquals(Duration.ofNanos(500_000), b.nominalDelay(0));
    assertEquals(Duration.ofMillis(1), b.nominalDelay(1));
    assertEquals(Duration.ofMillis(1), b.delay(0), "at least 1 ms");
  }

  @Test
  void delaysStayBetweenInitialAndMaxAndGrow() {
    SplittableRandom r = new SplittableRandom(SEED);
    int valid = 0;
    for (int n = 0; n < 5_000; n++) {
      Duration initial = DURATIONS[r.nextInt(DURATIONS.length)];
      Duration max = DURATIONS[r.nextInt(DURATIONS.length)];
      double multiplier = MULTIPLIERS[r.nextInt(MULTIPLIERS.length)];
      String where =
          "seed %d case %d: initial %s max %s multiplier %s"
              .formatted(SEED, n, initial, max, multiplier);
      Backoff b;
      try {
        b = new Backoff(initial, max, multiplier);
      } catch (IllegalArgumentException e) {
        assertFalse(e.getMessage().isBlank(), where);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      valid++;
      Duration previous = Duration.ZERO;
      for (int attempt : ATTEMPTS) {
        try {
          Duration nominal = b.nominalDelay(attempt);
          assertTrue(
              nominal.compareTo(initial) >= 0, where + " attempt " + attempt + ": " + nominal);
          assertTrue(nominal.compareTo(max) <= 0, where + " attempt " + attempt + ": " + nominal);
          assertTrue(nominal.compareTo(previous) >= 0, where + " attempt " + attempt + " shrank");
          previous = nominal;
          if (attempt <= 0) {
            assertEquals(initial, nominal, where + " attempt " + attempt);
          }
          Duration jittered = b.delay(attempt);
          assertTrue(jittered.compareTo(Duration.ofMillis(1)) >= 0, where + ": " + jittered);
          assertTrue(
              jittered.compareTo(nominal) <= 0 || jittered.equals(Duration.ofMillis(1)),
              where + " attempt " + attempt + ": " + jittered + " above " + nominal);
        } catch (RuntimeException e) {
          fail(where + " attempt " + attempt + ": " + e, e);
        }
      }
    }
    assertTrue(valid > 200, "too few valid backoffs (" + valid + "): the generator is off");
  }
}
