package io.edgerule.ota.device;

import java.time.Duration;
import java.util.Objects;

/**
 * How an image is tried before it is committed.
 *
 * @param shadowWindow how long the new versions of loaded rules run in shadow mode beside them
 *     (zero: no shadow phase)
 * @param trialWindow how long the image runs live under the health gate before it is committed
 * @param checkEvery how often the health gate looks during the trial window
 * @param maxTrialBoots starts of the gateway during a live trial after which it falls back by
 *     itself
 * @param maxTraps traps (and ABI faults) allowed during the trial window
 * @param maxDeadlineMisses deadline misses allowed during the trial window
 * @param maxErrorRate failed calls / calls allowed at the end of the window (0..1)
 */
public record TrialPolicy(
    Duration shadowWindow,
    Duration trialWindow,
    Duration checkEvery,
    int maxTrialBoots,
    long maxTraps,
    long maxDeadlineMisses,
    double maxErrorRate) {
  public static final TrialPolicy DEFAULTS =
      new TrialPolicy(
          Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofSeconds(1), 3, 0, 0, 0.01);

  public TrialPolicy {
    Objects.requireNonNull(shadowWindow, "shadowWindow");
    Objects.requireNonNull(trialWindow, "trialWindow");
    Objects.requireNonNull(checkEvery, "checkEvery");
    if (shadowWindow.isNegative()
        || trialWindow.isNegative()
        || checkEvery.isZero()
        || checkEvery.isNegative()) {
      throw new IllegalArgumentException("trial windows must be >= 0 and checkEvery > 0");
    }
    if (maxTrialBoots < 1 || maxTraps < 0 || maxDeadlineMisses < 0) {
      throw new IllegalArgumentException("maxTrialBoots must be >= 1, the fault counts >= 0");
    }
    if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
      throw new IllegalArgumentException("maxErrorRate must be in 0..1, got " + maxErrorRate);
    }
  }
}
