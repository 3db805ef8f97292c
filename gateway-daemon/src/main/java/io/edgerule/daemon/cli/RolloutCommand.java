package io.edgerule.daemon.cli;

import picocli.CommandLine.Command;

/** {@code edgerule fleet rollout start|drive|status|pause|resume|approve|abort}. */
@Command(
    name = "rollout",
    description =
        "Start a staged rollout, drive it wave by wave (the controller), show it, pause, resume,"
            + " approve a wave, abort.",
    mixinStandardHelpOptions = true,
    subcommands = {
      RolloutStartCommand.class,
      RolloutDriveCommand.class,
      RolloutStatusCommand.class,
      RolloutControlCommands.Pause.class,
      RolloutControlCommands.Resume.class,
      RolloutControlCommands.Approve.class,
      RolloutControlCommands.Abort.class
    })
final class RolloutCommand {}
