package io.edgerule.daemon.cli;

import io.edgerule.adapter.DurationText;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.WaveJudge;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule fleet rollout drive}: the controller. Reads the broker's retained truth, then
 * judges the current wave every {@code --every} and publishes each decision (audited first) until
 * the rollout is DONE or ABORTED, or until SIGTERM/Ctrl-C. It can be stopped and started again at
 * any moment: it carries on from the retained rollout (same wave, same wave start), so no wave
 * starts twice. Commands from other shells (pause, approve, abort) are adopted as they arrive.
 */
@Command(
    name = "drive",
    description =
        "Run the controller: judge the current wave every --every and move the rollout on, until"
            + " it is DONE or ABORTED (exit 0) or SIGTERM/Ctrl-C. Safe to stop and restart at any"
            + " time.",
    mixinStandardHelpOptions = true)
final class RolloutDriveCommand implements Callable<Integer> {
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

  @Spec CommandSpec spec;

  @Option(
      names = "--every",
      paramLabel = "TIME",
      defaultValue = "5s",
      description = "How often the wave is judged (default ${DEFAULT-VALUE}).")
  String every;

  @Option(
      names = "--quiet",
      description = "Print only decisions, not the wave's counts as they change.")
  boolean quiet;

  @Mixin FleetChangeOptions fleet;

  @Override
  public Integer call() {
    return FleetRun.run(
        spec,
        out -> {
          Duration period;
          try {
            period = DurationText.parse(every);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--every: " + e.getMessage());
          }
          if (period.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("--every: at least 10ms, got " + every);
          }
          Thread main = Thread.currentThread();
          Signals.onTermination(main::interrupt);
          try (FleetSession s = fleet.open()) {
            Rollout r = RolloutControlCommands.current(s);
            out.println("driving " + FleetText.rollout(r));
            out.println("  " + r.reason());
            out.flush();
            return drive(s, out, period);
          } catch (InterruptedException e) {
            out.println("stopped; the rollout stays as the broker keeps it");
            return ExitCodes.OK;
          }
        });
  }

  private int drive(FleetSession s, PrintWriter out, Duration period)
      throws java.io.IOException, InterruptedException {
    long revision = s.controller().rollout().orElseThrow().revision();
    String lastCounts = "";
    while (true) {
      WaveJudge.Verdict v =
          FleetSession.await(s.controller().step(), STEP_TIMEOUT, "judging the wave");
      Rollout r = s.controller().rollout().orElseThrow();
      if (r.revision() != revision) {
        revision = r.revision();
        out.println(FleetText.rollout(r));
        out.println("  " + r.reason());
        // this verdict may belong to the revision before (the step that moved the rollout on, or a
        // step just before the new revision was adopted): the next one is printed whatever it says
        lastCounts = "";
      } else if (v != null) {
        if (!quiet && !v.counts().toString().equals(lastCounts)) {
          out.println("  wave " + r.wave() + ": " + v.counts());
        }
        lastCounts = v.counts().toString();
      }
      out.flush();
      if (r.state().isFinal()) {
        out.println("rollout " + r.id() + " is " + r.state() + ": nothing left to drive");
        return ExitCodes.OK;
      }
      // the controller's pace, not a synchronisation: the next judgement is due
      Thread.sleep(period.toMillis());
    }
  }
}
