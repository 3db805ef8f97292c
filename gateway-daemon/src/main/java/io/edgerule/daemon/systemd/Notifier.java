package io.edgerule.daemon.systemd;

/** Sends sd_notify(3) state messages ({@code READY=1}, {@code WATCHDOG=1}, ...) to systemd. */
public interface Notifier {
  /** Sends {@code state}; true if systemd got it. Never throws. */
  boolean send(String state);

  /** For a process not started by systemd (no {@code NOTIFY_SOCKET}): sends nothing. */
  Notifier NONE = state -> false;
}
