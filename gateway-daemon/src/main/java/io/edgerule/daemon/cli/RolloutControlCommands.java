package io.edgerule.daemon.cli;

import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutState;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule fleet rollout pause|resume|approve|abort}: an operator's command, recorded in the
 * audit log, then published as the rollout's next revision (a running controller adopts it).
 */
final class RolloutControlCommands {
  private RolloutControlCommands() {}

  /** The retained rollout; none is a refusal. */
  static Rollout current(FleetSession s) {
    return s.controller()
        .rollout()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "there is no rollout on "
                        + s.broker()
                        + " (prefix "
                        + s.topics().prefix()
                        + "): start one with 'edgerule fleet rollout start'"));
  }

  interface Change {
    CompletionStage<Rollout> apply(FleetSession s, Rollout current, String reason);
  }

  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "Why, for the audit log and the rollout's last decision.")
    String reason;

    @Mixin FleetChangeOptions fleet;

    abstract Change change();

    String defaultReason() {
      return "by operator";
    }

    @Override
    public Integer call() {
      return FleetRun.run(
          spec,
          out -> {
            String why = reason == null ? defaultReason() : reason;
            try (FleetSession s = fleet.open()) {
              Rollout r = current(s);
              Rollout next =
                  FleetSession.await(
                      change().apply(s, r, why), Duration.ofMinutes(2), "publishing the rollout");
              out.println(FleetText.rollout(next));
              out.println("  " + next.reason());
            }
            return ExitCodes.OK;
          });
    }
  }

  @Command(
      name = "pause",
      description = "Pause a running rollout: no gateway starts an install (trials under way end).",
      mixinStandardHelpOptions = true)
  static final class Pause extends Base {
    @Override
    Change change() {
      return (s, r, why) -> s.controller().pause(why);
    }
  }

  @Command(
      name = "resume",
      description =
          "Run a paused rollout again (after a pause or a wave's timeout: the same wave, with"
              + " fresh soak and timeout). A wave that passed and awaits approval needs 'approve'.",
      mixinStandardHelpOptions = true)
  static final class Resume extends Base {
    @Override
    Change change() {
      return (s, r, why) -> {
        if (r.state() == RolloutState.PAUSED && r.wavePassed()) {
          throw new IllegalStateException(
              "rollout "
                  + r.id()
                  + ": wave "
                  + r.wave()
                  + " passed and awaits approval: use 'edgerule fleet rollout approve'");
        }
        return s.controller().resume(why);
      };
    }
  }

  @Command(
      name = "approve",
      description =
          "Approve a wave that passed and waits: the next wave starts (or the rollout is DONE).",
      mixinStandardHelpOptions = true)
  static final class Approve extends Base {
    @Override
    Change change() {
      return (s, r, why) -> {
        if (!(r.state() == RolloutState.PAUSED && r.wavePassed())) {
          throw new IllegalStateException(
              "rollout "
                  + r.id()
                  + " is not waiting for approval: it is "
                  + r.state()
                  + " at wave "
                  + r.wave()
                  + " ("
                  + r.reason()
                  + ")"
                  + (r.state() == RolloutState.PAUSED ? "; use 'resume'" : ""));
        }
        return s.controller().resume(why);
      };
    }

    @Override
    String defaultReason() {
      return "approved by operator";
    }
  }

  @Command(
      name = "abort",
      description =
          "Stop the rollout for good (gateways keep what they run; to bring them back, publish a"
              + " rollback switch: 'fleet rollback').",
      mixinStandardHelpOptions = true)
  static final class Abort extends Base {
    @Override
    Change change() {
      return (s, r, why) -> s.controller().abort(why);
    }
  }
}
