package io.edgerule.daemon.cli;

import picocli.CommandLine;

/** Entry point of the production {@code edgerule} program. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new EdgeruleCommand()).execute(args));
  }
}
