package io.edgerule.daemon.cli;

/** Exit codes of the edgerule program (documented in docs/reference/cli.md). */
public final class ExitCodes {
  public static final int OK = 0;

  /** Start-up failed for a reason other than the config (e.g. the state folder is not writable). */
  public static final int FAILURE = 1;

  /** The config file is invalid (message names file:line:column). */
  public static final int CONFIG = 2;

  private ExitCodes() {}
}
