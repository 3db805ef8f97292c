package io.edgerule.ota.device;

/**
 * Where an update stands on a gateway. DOWNLOADING → STAGED → TRIAL → COMMITTED, or ROLLED_BACK (it
 * ran live and was given up, or the gateway fell back from it) or REJECTED (refused before it ran
 * live: not verified, below the floor, self-test or shadow failed).
 */
public enum UpdateState {
  DOWNLOADING,
  STAGED,
  TRIAL,
  COMMITTED,
  ROLLED_BACK,
  REJECTED;

  /** True for the states an update ends in. */
  public boolean isFinal() {
    return this == COMMITTED || this == ROLLED_BACK || this == REJECTED;
  }
}
