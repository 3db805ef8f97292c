package io.edgerule.ota.fleet;

import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;

/**
 * Judges the current wave of a rollout from what the fleet reported (a pure function: the same
 * rollout, reports and time give the same verdict, so a restarted controller decides as the one
 * before it would have). The rules are {@link Wave}'s.
 */
public final class WaveJudge {
  private WaveJudge() {}

  /** What to do with the rollout. */
  public enum Action {
    /** Not enough results yet, or soaking: nothing changes. */
    WAIT,
    /** The wave passed: start the next one. */
    NEXT_WAVE,
    /** The wave passed and asks for approval: pause. */
    AWAIT_APPROVAL,
    /** The last wave passed. */
    DONE,
    /** The error threshold is crossed: stop the rollout. */
    ABORT,
    /** Neither passed nor failed within the wave's timeout: pause for an operator. */
    TIMEOUT
  }

  /** How one gateway stands with the rollout's image. */
  public enum Outcome {
    COMMITTED,
    FAILED,
    PENDING
  }

  /**
   * The counts a verdict is made from: over every known gateway the waves so far cover ({@code
   * targets}), and over those the current wave adds ({@code added}, {@code addedFinished}).
   */
  public record Counts(
      int targets, int committed, int failed, int pending, int added, int addedFinished) {
    public int finished() {
      return committed + failed;
    }

    @Override
    public String toString() {
      return committed
          + " committed, "
          + failed
          + " failed, "
          + pending
          + " pending of "
          + targets
          + " gateways reached; this wave: "
          + addedFinished
          + " of "
          + added
          + " finished";
    }
  }

  public record Verdict(Action action, Counts counts, String reason) {}

  /** How {@code g} stands with {@code r}'s image. */
  public static Outcome outcome(Rollout r, FleetView.Gateway g) {
    ImageId img = r.image().id();
    UpdateStatus s = g.status();
    if (s != null && s.state().isFinal()) {
      if (img.equals(s.image())) {
        return s.state() == UpdateState.COMMITTED ? Outcome.COMMITTED : Outcome.FAILED;
      }
      if (img.equals(s.running())) {
        return Outcome.COMMITTED; // committed it, a later status is about something else
      }
    }
    FollowReport f = g.follow();
    if (f != null && r.id().equals(f.rollout()) && f.result() != null) {
      return f.result() == UpdateState.COMMITTED ? Outcome.COMMITTED : Outcome.FAILED;
    }
    return Outcome.PENDING;
  }

  public static Counts count(Rollout r, Collection<FleetView.Gateway> fleet) {
    int targets = 0;
    int committed = 0;
    int failed = 0;
    int added = 0;
    int addedFinished = 0;
    for (FleetView.Gateway g : fleet) {
      int w = RolloutTarget.waveOf(r, g.id());
      if (w < 0 || w > r.wave()) {
        continue;
      }
      targets++;
      Outcome o = outcome(r, g);
      if (o == Outcome.COMMITTED) {
        committed++;
      } else if (o == Outcome.FAILED) {
        failed++;
      }
      if (w == r.wave()) {
        added++;
        if (o != Outcome.PENDING) {
          addedFinished++;
        }
      }
    }
    Wave wave = r.currentWave();
    if (wave.isCanary()) {
      added = wave.canary().size(); // a canary that never reported is pending, not absent
    }
    return new Counts(
        targets, committed, failed, targets - committed - failed, added, addedFinished);
  }

  public static Verdict judge(Rollout r, Collection<FleetView.Gateway> fleet, Instant now) {
    Counts c = count(r, fleet);
    Wave w = r.currentWave();
    int needed = Math.min(w.minSample(), c.added());
    boolean sampled = c.added() > 0 && c.addedFinished() >= needed;
    String at = "wave " + r.wave() + ": " + c;
    if (sampled && c.finished() > 0) {
      double failedPct = 100.0 * c.failed() / c.finished();
      if (failedPct > w.errorPercent()) {
        return new Verdict(
            Action.ABORT,
            c,
            at
                + String.format(
                    Locale.ROOT, "; %.1f %% failed > %.1f %%", failedPct, w.errorPercent()));
      }
      double okPct = 100.0 * c.committed() / c.finished();
      boolean soaked = !now.isBefore(r.waveStarted().plus(w.soak()));
      if (soaked && okPct >= w.successPercent()) {
        String why =
            at
                + String.format(
                    Locale.ROOT, "; %.1f %% committed >= %.1f %%", okPct, w.successPercent());
        if (w.approval() && !r.isLastWave()) {
          return new Verdict(Action.AWAIT_APPROVAL, c, why + "; awaiting approval");
        }
        return new Verdict(r.isLastWave() ? Action.DONE : Action.NEXT_WAVE, c, why);
      }
    }
    if (!now.isBefore(r.waveStarted().plus(w.timeout()))) {
      return new Verdict(
          Action.TIMEOUT,
          c,
          at + "; neither passed nor failed within " + w.timeout().toSeconds() + " s");
    }
    return new Verdict(
        Action.WAIT,
        c,
        at + (sampled ? "; soaking" : "; waiting for " + needed + " of this wave to finish"));
  }

  /** The rollout after a verdict, or null if it does not change. */
  public static Rollout apply(Rollout r, Verdict v, Instant now) {
    return switch (v.action()) {
      case WAIT -> null;
      case NEXT_WAVE -> r.next(RolloutState.RUNNING, r.wave() + 1, false, now, v.reason());
      case AWAIT_APPROVAL -> r.next(RolloutState.PAUSED, r.wave(), true, now, v.reason());
      case DONE -> r.next(RolloutState.DONE, r.wave(), false, now, v.reason());
      case ABORT -> r.next(RolloutState.ABORTED, r.wave(), false, now, v.reason());
      case TIMEOUT -> r.next(RolloutState.PAUSED, r.wave(), false, now, v.reason());
    };
  }
}
