package io.edgerule.daemon.cli;

import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.WaveJudge;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code edgerule fleet rollout status}: the retained rollout and how its wave stands now. */
@Command(
    name = "status",
    description =
        "Show the rollout the broker keeps, its waves, and how the current wave stands (what a"
            + " controller would decide now). Exit 1 if there is none.",
    mixinStandardHelpOptions = true)
final class RolloutStatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BrokerOptions broker;

  @Override
  public Integer call() {
    return FleetRun.run(
        spec,
        out -> {
          try (FleetSession s = FleetSession.openReadOnly(broker)) {
            Rollout r = RolloutControlCommands.current(s);
            FleetText.printRollout(out, r);
            WaveJudge.Verdict v =
                WaveJudge.judge(r, s.controller().fleet().gateways().values(), Instant.now());
            out.println("  now: " + v.counts());
            if (r.state() == io.edgerule.ota.fleet.RolloutState.RUNNING) {
              out.println("  a controller would decide: " + FleetText.verdict(v));
            }
            out.println("  gateways known: " + s.controller().fleet().size());
          }
          return ExitCodes.OK;
        });
  }
}
