package io.edgerule.daemon.cli;

import io.edgerule.daemon.logging.ProgramLogging;

/** Entry point of the production {@code edgerule} program. */
public final class Main {
  private Main() {}

  /**
   * Has logback set up the program's own logging ({@link ProgramLogging}: stdout, journald level
   * prefixes, {@code EDGERULE_LOG_LEVEL}) instead of a logback.xml a library ships (Tahu, HiveMQ),
   * unless the operator chose a file with -Dlogback.configurationFile. Call before any logger
   * exists.
   */
  public static void useOwnLoggingConfig() {
    ProgramLogging.use(ProgramLogging.Output.STDOUT);
  }

  public static void main(String[] args) {
    useOwnLoggingConfig();
    System.exit(EdgeruleCommand.commandLine(args).execute(args));
  }
}
