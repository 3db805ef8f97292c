package io.edgerule.ota.fleet.sim;

import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutController;
import io.edgerule.ota.fleet.RolloutState;
import io.edgerule.ota.fleet.WaveJudge;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A controller killed in the middle of a wave and the next one started: the first judges wave 1
 * until a verdict waits on a wave that has some results in and dies right there (nothing decided
 * after it, its connection dropped); the next one (a new connection and client id, a new decision
 * thread, the same audit file) reads the broker's retained truth before it decides anything.
 *
 * @param atDeath the rollout as the killed controller left it
 * @param waitedOn the verdict after which it died (WAIT, with results of the wave in)
 * @param readByNext the rollout the next controller read from the broker before deciding
 * @param knownByNext gateways the next controller knew when its start completed
 */
record MidWaveRestart(
    Rollout atDeath, WaveJudge.Verdict waitedOn, Rollout readByNext, int knownByNext) {

  /** The next controller and what the restart showed. */
  record Restarted(SimController next, MidWaveRestart seen) {}

  static Restarted run(
      FleetScenario.Settings s,
      SimController first,
      FleetTopics topics,
      Path auditFile,
      PrintStream log)
      throws Exception {
    AtomicReference<WaveJudge.Verdict> waitedOn = new AtomicReference<>();
    first.driveUntil(
        s.step(),
        (r, v) -> {
          boolean mid =
              r.wave() == 1
                  && r.state() == RolloutState.RUNNING
                  && v.action() == WaveJudge.Action.WAIT
                  && v.counts().addedFinished() > 0;
          if (mid) {
            waitedOn.set(v);
          }
          return mid;
        });
    RolloutController c = first.controller();
    FleetScenario.await(
        s.limit(),
        () ->
            first.died().isDone()
                || c.rollout().map(r -> r.state() != RolloutState.RUNNING).orElse(false),
        () -> "a verdict in wave 1 that waits with results in; " + c.rollout());
    if (!first.died().isDone()) {
      throw new AssertionError(
          "the rollout stopped before any step of wave 1 waited with results in: no restart"
              + " mid-wave to test; "
              + c.rollout().map(Rollout::reason).orElse(""));
    }
    Rollout atDeath = first.died().get();
    first.kill();
    log.printf("controller 1 killed mid-wave: %s%n", waitedOn.get().reason());
    SimController next =
        SimController.start("fleet-controller-2", s.broker(), topics, auditFile, s.limit());
    return new Restarted(
        next,
        new MidWaveRestart(
            atDeath,
            waitedOn.get(),
            next.controller().rollout().orElse(null),
            next.controller().fleet().size()));
  }

  /** One line for the figures. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "controller killed mid-wave (%s); the next read revision %d and knew %d gateways at start",
        waitedOn.reason(),
        readByNext == null ? -1 : readByNext.revision(),
        knownByNext);
  }
}
