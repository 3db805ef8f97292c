package io.edgerule.adapter.modbus.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The time source and delayed execution a poller needs; tests drive a manual one instead of
 * sleeping. Scheduled tasks must be short and never block (they run on the daemon's shared
 * scheduler).
 */
public interface PollTimer {
  /** Monotonic time in nanoseconds (like {@link System#nanoTime()}). */
  long nanoTime();

  /** Runs {@code task} after {@code delayNanos}; the returned handle cancels it. */
  Runnable schedule(Runnable task, long delayNanos);

  static PollTimer of(ScheduledExecutorService scheduler) {
    return new PollTimer() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Runnable schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> future =
            scheduler.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
      }
    };
  }
}
