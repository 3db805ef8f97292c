package io.edgerule.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** The root of the {@code edgerule} program. */
@Command(
    name = "edgerule",
    description =
        "Rule engine for IoT gateways: field protocols in, sandboxed WebAssembly rules, actions out.",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {
      RunCommand.class,
      CheckCommand.class,
      WritePointCommand.class,
      OpcuaCommand.class,
      RuleCommand.class,
      ImageCommand.class,
      KeysCommand.class,
      FleetCommand.class
    })
public final class EdgeruleCommand {
  /**
   * Whether {@code args} start the gateway ({@code edgerule run ...}, what the service runs at
   * every boot).
   */
  public static boolean runsGateway(String[] args) {
    return args.length > 0 && args[0].equals("run");
  }

  /**
   * The program's command line with {@code run} as its only command, for {@link #runsGateway}
   * arguments: it parses them, prints {@code run}'s help and errors exactly as the whole program
   * does. picocli builds its model of every command by reflection over the command classes, their
   * fields and methods, whose types it loads: the whole tree cost each start of the gateway ~80
   * classes and ~0.35 s of CPU (docs/benchmarks.md, "Footprint round 3").
   */
  public static CommandLine gatewayOnly() {
    CommandLine root = new CommandLine(CommandSpec.create().name("edgerule"));
    root.addSubcommand(new RunCommand());
    return root;
  }

  /**
   * The command line for {@code args}: {@link #gatewayOnly} for a start, else the whole program.
   */
  public static CommandLine commandLine(String[] args) {
    return runsGateway(args) ? gatewayOnly() : new CommandLine(new EdgeruleCommand());
  }
}
