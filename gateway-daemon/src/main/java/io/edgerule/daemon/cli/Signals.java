package io.edgerule.daemon.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as ordinary events. A JVM stopped by a signal through shutdown hooks exits
 * with 143/130; systemd and operators expect 0 after a clean stop, so the program handles the
 * signals itself and returns normally once the gateway has closed.
 */
public final class Signals {
  private Signals() {}

  /**
   * Runs {@code action} (once per signal) on SIGHUP: a config reload. Without a handler the JVM
   * would stop on SIGHUP, so the program installs this before the gateway starts ({@link
   * HangupReload}).
   */
  @SuppressWarnings("restriction")
  public static void onHangup(Runnable action) {
    try {
      Signal.handle(new Signal("HUP"), s -> action.run());
    } catch (IllegalArgumentException e) {
      // Signal not available on this platform; the other reload paths remain.
    }
  }

  /** Runs {@code action} (once per signal) on SIGTERM or SIGINT. */
  @SuppressWarnings("restriction")
  public static void onTermination(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), s -> action.run());
      } catch (IllegalArgumentException e) {
        // Signal not available on this platform; the default handling stays.
      }
    }
  }
}
