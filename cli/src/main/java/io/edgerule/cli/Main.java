package io.edgerule.cli;

import io.edgerule.daemon.cli.EdgeruleCommand;
import io.edgerule.sim.SimCommand;
import picocli.CommandLine;

/**
 * Entry point of {@code ./edgerule}: the daemon's commands plus {@code demo} and {@code sim}, which
 * need the simulators and an embedded broker that a production gateway does not ship.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    io.edgerule.daemon.cli.Main.useOwnLoggingConfig();
    if (args.length > 0
        && args[0].equals("demo")
        && System.getenv("EDGERULE_LOG_LEVEL") == null
        && System.getProperty("EDGERULE_LOG_LEVEL") == null) {
      // The demo prints its own live log; the gateway's log shows only problems.
      System.setProperty("EDGERULE_LOG_LEVEL", "WARN");
    }
    // A start of the gateway parses with the run command alone (EdgeruleCommand.gatewayOnly).
    CommandLine cli =
        EdgeruleCommand.runsGateway(args)
            ? EdgeruleCommand.gatewayOnly()
            : new CommandLine(new EdgeruleCommand())
                .addSubcommand("demo", new DemoCommand())
                .addSubcommand("sim", new SimCommand());
    System.exit(cli.execute(args));
  }
}
