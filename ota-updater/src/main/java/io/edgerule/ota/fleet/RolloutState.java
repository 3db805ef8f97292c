package io.edgerule.ota.fleet;

/**
 * Where a rollout stands. RUNNING: the current wave's gateways install the image. PAUSED: no
 * gateway starts an install (those already in a trial finish it); the controller waits for an
 * operator (approval, a timeout, a manual pause). ABORTED: stopped for good (error threshold,
 * operator, or a rollback switch); nothing more installs. DONE: the last wave passed; every gateway
 * the waves cover installs the image, also ones that come online later.
 */
public enum RolloutState {
  RUNNING,
  PAUSED,
  ABORTED,
  DONE;

  /** True if gateways targeted by the waves may start installing. */
  public boolean installs() {
    return this == RUNNING || this == DONE;
  }

  /** True if the controller will never move the rollout again. */
  public boolean isFinal() {
    return this == ABORTED || this == DONE;
  }
}
