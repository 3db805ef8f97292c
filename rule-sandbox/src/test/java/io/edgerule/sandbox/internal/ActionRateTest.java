package io.edgerule.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ActionRateTest {
  @Test
  void takesUpToOneSecondsWorthAndRefillsAtTheRate() {
    ActionRate rate = new ActionRate(10);
    assertTrue(rate.tryTake(10, 1_000));
    assertFalse(rate.tryTake(1, 1_000), "the bucket is empty");
    assertTrue(rate.tryTake(5, 1_500), "half a second refills 5");
    assertFalse(rate.tryTake(1, 1_500));
    assertTrue(rate.tryTake(10, 100_000), "a long pause refills at most one second's worth");
    assertFalse(rate.tryTake(1, 100_000));
  }

  @Test
  void aLongQuietSpellAtAHighRateRefillsInsteadOfOverflowing() {
    ActionRate rate = new ActionRate(1_000_000_000);
    assertTrue(rate.tryTake(1_000_000_000, 0));
    // 108 days: (gap * rate) no longer fits a long.
    assertTrue(rate.tryTake(1, 108L * 24 * 3600 * 1000));
    ActionRate extremes = new ActionRate(5);
    assertTrue(extremes.tryTake(5, Long.MIN_VALUE + 1));
    assertTrue(extremes.tryTake(5, Long.MAX_VALUE), "a gap beyond 2^63 ms refills too");
  }
}
