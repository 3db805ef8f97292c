package io.edgerule.ota.fleet;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A rollout as the controller keeps it, retained, on {@code <prefix>/fleet/rollout}: the broker
 * holds the truth, so a restarted controller carries on from it (same wave, same start time: no
 * wave is started twice) and gateways that were offline read it when they come back. Wire format:
 * {@link RolloutJson}; reference: docs/reference/ota-topics.md.
 *
 * @param id names the rollout (a rollback switch names it)
 * @param revision rises by one with every document the controller publishes, also across rollouts
 *     (a new rollout continues the revision of the one it replaces): a gateway ignores a document
 *     of the same rollout whose revision is not above the one it has seen
 * @param wave the current wave, 0-based
 * @param wavePassed the current wave passed its judgement and waits for an operator's approval
 *     (then PAUSED; resuming starts the next wave)
 * @param created when the rollout was started; a rollback switch issued before it does not apply to
 *     it
 * @param waveStarted when the current wave started (soak and timeout count from here)
 * @param updated when this revision was made
 * @param reason why the rollout is in its state (the last decision), for operators
 */
public record Rollout(
    String id,
    long revision,
    RolloutImage image,
    RolloutState state,
    int wave,
    boolean wavePassed,
    List<Wave> waves,
    Instant created,
    Instant waveStarted,
    Instant updated,
    String reason) {

  /** Most waves in a rollout. */
  public static final int MAX_WAVES = 32;

  public Rollout {
    Ids.check("id", id);
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(state, "state");
    waves = List.copyOf(waves);
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(waveStarted, "wave_started");
    Objects.requireNonNull(updated, "updated");
    reason = reason == null ? "" : reason;
    if (revision < 1) {
      throw new IllegalArgumentException("revision must be >= 1, got " + revision);
    }
    if (waves.isEmpty() || waves.size() > MAX_WAVES) {
      throw new IllegalArgumentException(
          "a rollout has 1.." + MAX_WAVES + " waves, got " + waves.size());
    }
    if (wavePassed && state != RolloutState.PAUSED) {
      throw new IllegalArgumentException("wave_passed is only set while PAUSED for approval");
    }
    if (wave < 0 || wave >= waves.size()) {
      throw new IllegalArgumentException(
          "wave " + wave + " is not one of the " + waves.size() + " waves");
    }
    double last = 0;
    Set<String> canaries = new HashSet<>();
    for (int i = 0; i < waves.size(); i++) {
      Wave w = waves.get(i);
      if (w.isCanary()) {
        for (String g : w.canary()) {
          if (!canaries.add(g)) {
            throw new IllegalArgumentException(
                "waves[" + i + "]: gateway '" + g + "' is already in an earlier canary list");
          }
        }
      } else {
        if (w.percent() <= last) {
          throw new IllegalArgumentException(
              "waves["
                  + i
                  + "]: percent "
                  + w.percent()
                  + " must be above the previous wave's "
                  + last
                  + " (waves grow)");
        }
        last = w.percent();
      }
    }
  }

  /**
   * The next revision of this rollout: same rollout, another state or wave. Soak and timeout count
   * again from {@code now} when the wave changes or a paused rollout runs again.
   */
  public Rollout next(RolloutState newState, int newWave, boolean passed, Instant now, String why) {
    boolean restart = newWave != wave || (state == RolloutState.PAUSED && newState.installs());
    return new Rollout(
        id,
        revision + 1,
        image,
        newState,
        newWave,
        passed,
        waves,
        created,
        restart ? now : waveStarted,
        now,
        why);
  }

  public Wave currentWave() {
    return waves.get(wave);
  }

  public boolean isLastWave() {
    return wave == waves.size() - 1;
  }
}
