package io.edgerule.daemon.cli;

import picocli.CommandLine.Command;

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
public final class EdgeruleCommand {}
