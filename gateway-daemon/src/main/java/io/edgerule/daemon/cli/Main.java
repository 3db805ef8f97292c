package io.edgerule.daemon.cli;

import picocli.CommandLine;

/** Entry point of the production {@code edgerule} program. */
public final class Main {
  private Main() {}

  /**
   * Points logback at our config by a name no library ships (HiveMQ, for one, ships a logback.xml),
   * unless the operator chose another with -Dlogback.configurationFile. Call before any logger
   * exists.
   */
  public static void useOwnLoggingConfig() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "edgerule-logback.xml");
    }
  }

  public static void main(String[] args) {
    useOwnLoggingConfig();
    System.exit(new CommandLine(new EdgeruleCommand()).execute(args));
  }
}
