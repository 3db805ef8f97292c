package io.edgerule.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether the gateway's pipeline still turns, for a supervisor's watchdog (systemd's {@code
 * WatchdogSec}). A timer that pings on its own proves only that one thread is scheduled; this asks
 * the threads that do the work:
 *
 * <ul>
 *   <li>the dispatcher takes a turn after every drain of the ingress queue, and a drain returns at
 *       the latest after 200 ms when nothing arrives, so a dispatcher that is idle but responsive
 *       turns five times a second, and one that routes events turns with every batch;
 *   <li>the shared scheduler (device polls, timeouts, ticks, the state report) runs a probe every
 *       second: a scheduler whose threads are all blocked stops every poll and timer.
 * </ul>
 *
 * A part that has not turned for longer than the allowed silence is reported as stuck, with how
 * long, so the supervisor can stop pinging and restart the service.
 */
public final class Liveness {
  /** How often the scheduler probe runs. */
  public static final long SCHEDULER_PROBE_MILLIS = 1000;

  private final LongSupplier nanoClock;
  private final long created;
  private volatile long dispatcherTurn;
  private volatile long schedulerTurn;

  /**
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass their
   *     own)
   */
  public Liveness(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.created = nanoClock.getAsLong();
    this.dispatcherTurn = created;
    this.schedulerTurn = created;
  }

  /** The dispatcher finished a drain of the ingress queue (with or without events). */
  public void dispatcherTurned() {
    dispatcherTurn = nanoClock.getAsLong();
  }

  /** The scheduler ran its probe. */
  public void schedulerTurned() {
    schedulerTurn = nanoClock.getAsLong();
  }

  /**
   * What has not turned within {@code maxSilence} (e.g. "dispatcher silent for 31.2 s"), or empty
   * when every part turned recently.
   */
  public Optional<String> stuck(long maxSilence, TimeUnit unit) {
    long now = nanoClock.getAsLong();
    long limit = unit.toNanos(maxSilence);
    List<String> silent = new ArrayList<>(2);
    check("dispatcher", dispatcherTurn, now, limit, silent);
    check("scheduler", schedulerTurn, now, limit, silent);
    return silent.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", silent));
  }

  private static void check(String part, long turn, long now, long limit, List<String> silent) {
    long quiet = now - turn;
    if (quiet > limit) {
      silent.add(String.format(Locale.ROOT, "%s silent for %.1f s", part, quiet / 1e9));
    }
  }
}
