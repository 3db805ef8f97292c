package io.edgerule.daemon.rules;

import java.time.Duration;

/**
 * How long a hot swap took.
 *
 * @param prepare validate + compile (or cache hit) + init of the new version, while the old one
 *     kept running
 * @param switchover from the moment the new version was ready to the switch between two batches
 *     (waits for the batch in flight)
 */
public record SwapTiming(String rule, String module, Duration prepare, Duration switchover) {
  /** Request to switch: {@code prepare + switchover}. */
  public Duration total() {
    return prepare.plus(switchover);
  }
}
