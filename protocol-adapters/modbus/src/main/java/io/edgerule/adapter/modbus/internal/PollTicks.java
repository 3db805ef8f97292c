package io.edgerule.adapter.modbus.internal;

import java.time.Duration;

/**
 * The ticks that start a device's read cycles: one every poll interval from the connection on,
 * missed ones skipped when the device fell behind. Not thread-safe: one poller's serial tasks own
 * it.
 */
final class PollTicks {
  private final PollTimer timer;
  private final long intervalNanos;
  private long nextDue;
  private Runnable cancel = () -> {};

  PollTicks(PollTimer timer, Duration interval) {
    this.timer = timer;
    this.intervalNanos = interval.toNanos();
  }

  /** The first tick is now. */
  void restart() {
    nextDue = timer.nanoTime();
  }

  /**
   * Schedules {@code tick} for the next tick after the one due now ({@code now} on the timer's
   * scale); it runs on the timer's thread.
   */
  void scheduleNext(long now, Runnable tick) {
    nextDue += intervalNanos;
    if (nextDue - now <= 0) { // fell behind: skip the missed ticks
      nextDue = now + intervalNanos;
    }
    cancel = timer.schedule(tick, nextDue - now);
  }

  /** The scheduled tick does not come. */
  void cancel() {
    cancel.run();
  }
}
