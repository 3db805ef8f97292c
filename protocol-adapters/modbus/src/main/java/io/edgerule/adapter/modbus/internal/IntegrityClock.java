package io.edgerule.adapter.modbus.internal;

import java.time.Duration;

/**
 * When a device's next integrity report is due (every point reported whatever the filter says).
 * Times are on the poll timer's nanosecond scale. Not thread-safe: one poller's serial tasks own
 * it.
 */
final class IntegrityClock {
  private final long intervalNanos;
  private final long halfPollNanos;
  private long last;
  private boolean ever;

  IntegrityClock(Duration integrityInterval, Duration pollInterval) {
    this.intervalNanos = integrityInterval.toNanos();
    this.halfPollNanos = pollInterval.toNanos() / 2;
  }

  /** Whether a read cycle starting at {@code cycleStart} is an integrity report. */
  boolean dueForCycle(long cycleStart) {
    return ever && dueAt(cycleStart);
  }

  /**
   * The cycle that started at {@code cycleStart} ended; {@code wasDue} is what {@link #dueForCycle}
   * said for it. The first cycle (everything is reported then) starts the integrity interval.
   */
  void cycleEnded(long cycleStart, boolean wasDue) {
    if (wasDue || !ever) {
      last = cycleStart;
      ever = true;
    }
  }

  /**
   * An integrity report outside a read cycle (while disconnected) when one is due at {@code now}.
   */
  boolean takeIfDue(long now) {
    if (ever && dueAt(now)) {
      last = now;
      return true;
    }
    if (!ever) {
      last = now;
      ever = true;
    }
    return false;
  }

  /**
   * An integrity report is due when at least the integrity interval minus half a poll interval has
   * passed since the last one. Ticks run a little late, by varying amounts; a cycle that started
   * earlier in its tick than the previous one used to find "not yet" and the report slipped a whole
   * interval (an integrity interval equal to the poll interval reported 78 % of the polls). The
   * half interval tolerates any lateness below it and never reports twice in one interval.
   */
  private boolean dueAt(long now) {
    return intervalNanos > 0 && now - last >= intervalNanos - halfPollNanos;
  }
}
