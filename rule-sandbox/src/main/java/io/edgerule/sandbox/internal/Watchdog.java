package io.edgerule.sandbox.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Interrupts rule calls that overrun their deadline, on a scheduler lent by the daemon.
 *
 * <p>Cost per call: a call records its thread and deadline in its {@link Slot} (an uncontended
 * lock) and schedules a check only if no check is already due at or before its deadline. Under a
 * steady stream of batches that is about one scheduling per deadline period for the whole engine,
 * not one per batch (an executor hand-off per call costs ~40 µs; a lock ~20 ns). A check interrupts
 * every overdue call, then schedules itself for the earliest deadline still running, and goes idle
 * when nothing runs.
 *
 * <p>Interrupts are delivered only while the slot's call is running: {@link #start} and {@link
 * #stop} and the check hold the slot's lock, so a thread that has left the call is never
 * interrupted on the rule's behalf.
 */
public final class Watchdog {
  private static final long IDLE = Long.MAX_VALUE;

  /** The longest timeout a call can have; longer ones are cut to it (about 146 years). */
  public static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 2);

  private final ScheduledExecutorService scheduler;
  private final Set<Slot> slots = ConcurrentHashMap.newKeySet();

  /** When the pending check is due (our own nanos, see {@link #now}); IDLE if none is pending. */
  private final AtomicLong armedAt = new AtomicLong(IDLE);

  private final long origin = System.nanoTime();
  private final AtomicLong schedules = new AtomicLong();

  public Watchdog(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  /** One rule's (or one load's) call site; a slot runs one call at a time. */
  public static final class Slot {
    private Thread thread; // guarded by this
    private long deadline; // guarded by this
    private boolean fired; // guarded by this
    private boolean retired; // guarded by this: unregistered while a call was running
  }

  /** Nanoseconds since this watchdog was made: never near overflow, so plain comparisons work. */
  private long now() {
    return System.nanoTime() - origin;
  }

  public Slot register() {
    Slot slot = new Slot();
    slots.add(slot);
    return slot;
  }

  /**
   * Forgets a slot. A call still running on it stays guarded until it stops (a rule unloaded while
   * a batch runs must still be interrupted at its deadline).
   */
  public void unregister(Slot slot) {
    synchronized (slot) {
      if (slot.thread != null) {
        slot.retired = true;
        return;
      }
    }
    slots.remove(slot);
  }

  /**
   * Marks the current thread as running a call on {@code slot} that must end within {@code
   * timeoutNanos}.
   *
   * @throws IllegalStateException if the scheduler refuses work (shut down): the call must not run
   *     unguarded
   */
  public void start(Slot slot, long timeoutNanos) {
    // now() stays far below Long.MAX_VALUE / 2 for centuries, so with the cap this cannot overflow
    // into a deadline in the past (which would interrupt the call at once).
    long deadline = now() + Math.min(Math.max(timeoutNanos, 0), LONGEST.toNanos());
    synchronized (slot) {
      slot.thread = Thread.currentThread();
      slot.deadline = deadline;
      slot.fired = false;
    }
    try {
      ensureCheckBy(deadline);
    } catch (RejectedExecutionException e) {
      synchronized (slot) {
        slot.thread = null;
      }
      throw new IllegalStateException("the watchdog scheduler refused work (is it shut down?)", e);
    }
  }

  /**
   * Ends the call on {@code slot}. After this returns no interrupt will be sent for it.
   *
   * @return true if the deadline passed and the thread was interrupted; the caller then clears the
   *     interrupt flag ({@link Thread#interrupted()})
   */
  public boolean stop(Slot slot) {
    boolean fired;
    boolean retired;
    synchronized (slot) {
      slot.thread = null;
      fired = slot.fired;
      retired = slot.retired;
    }
    if (retired) {
      slots.remove(slot);
    }
    return fired;
  }

  /** How many slots the watchdog scans (for tests). */
  public int slotCount() {
    return slots.size();
  }

  /** How many checks have been scheduled so far (for tests of the cost model). */
  public long scheduledChecks() {
    return schedules.get();
  }

  public boolean isShutdown() {
    return scheduler.isShutdown();
  }

  private void ensureCheckBy(long deadline) {
    long pending = armedAt.get();
    while (deadline < pending) {
      if (armedAt.compareAndSet(pending, deadline)) {
        long delay = Math.max(0, deadline - now());
        schedules.incrementAndGet();
        try {
          scheduler.schedule(() -> check(deadline), delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          armedAt.compareAndSet(deadline, IDLE);
          throw e;
        }
        return;
      }
      pending = armedAt.get();
    }
  }

  private void check(long dueAt) {
    // Only the check that is registered as pending clears the mark; a stale one still scans.
    armedAt.compareAndSet(dueAt, IDLE);
    long now = now();
    long next = IDLE;
    for (Slot slot : slots) {
      synchronized (slot) {
        if (slot.thread == null || slot.fired) {
          continue;
        }
        if (slot.deadline <= now) {
          slot.fired = true;
          slot.thread.interrupt();
        } else {
          next = Math.min(next, slot.deadline);
        }
      }
    }
    if (next != IDLE) {
      try {
        ensureCheckBy(next);
      } catch (RejectedExecutionException e) {
        // The daemon is shutting the scheduler down; running calls end with their batch.
      }
    }
  }
}
