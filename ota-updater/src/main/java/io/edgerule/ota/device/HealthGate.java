package io.edgerule.ota.device;

import java.util.Optional;

/**
 * The trial's health gate: compares the image's rules' counters now with those at the start of the
 * live trial, under the {@link TrialPolicy}.
 */
final class HealthGate {
  private final TrialPolicy policy;

  HealthGate(TrialPolicy policy) {
    this.policy = policy;
  }

  /**
   * @param windowOver true once the trial window has passed: the error rate is judged then, over
   *     the whole window (a single early failure is not a rate)
   * @return why the image fails, if it does
   */
  Optional<String> judge(RuleHealth before, RuleHealth now, boolean windowOver) {
    long calls = now.calls() - before.calls();
    long traps = now.traps() - before.traps();
    long deadlines = now.deadlineMisses() - before.deadlineMisses();
    long failures = now.failures() - before.failures();
    if (!now.missing().isEmpty()) {
      return Optional.of("rules not running: " + now.missing());
    }
    if (!now.quarantined().isEmpty()) {
      return Optional.of("rules quarantined: " + now.quarantined() + " " + now.lastErrors());
    }
    if (traps > policy.maxTraps()) {
      return Optional.of(traps + " traps (at most " + policy.maxTraps() + ") " + now.lastErrors());
    }
    if (deadlines > policy.maxDeadlineMisses()) {
      return Optional.of(
          deadlines + " deadline misses (at most " + policy.maxDeadlineMisses() + ")");
    }
    if (windowOver && calls > 0 && (double) failures / calls > policy.maxErrorRate()) {
      return Optional.of(
          String.format(
              "error rate %.4f (%d of %d calls) above %.4f",
              (double) failures / calls, failures, calls, policy.maxErrorRate()));
    }
    return Optional.empty();
  }

  /** What the trial window saw, for the COMMITTED status. */
  static String summary(RuleHealth before, RuleHealth now) {
    return (now.calls() - before.calls())
        + " calls, "
        + (now.failures() - before.failures())
        + " failed during the trial window";
  }
}
