package io.edgerule.daemon.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

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
   *
   * @return false if SIGHUP cannot be handled: not on this platform, or ignored by the process that
   *     started this one ({@code nohup})
   */
  @SuppressWarnings("restriction")
  public static boolean onHangup(Runnable action) {
    try {
      // A process started with SIGHUP ignored (nohup) keeps it ignored: the JVM then installs no
      // handler and says so by returning SIG_IGN.
      return Signal.handle(new Signal("HUP"), s -> action.run()) != SignalHandler.SIG_IGN;
    } catch (IllegalArgumentException e) {
      // Signal not available on this platform; the other reload paths remain.
      return false;
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
