package io.edgerule.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchdogTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final Watchdog watchdog = new Watchdog(scheduler);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  /** Spins until interrupted (or 5 s pass); returns the ms since {@code start} (nanoTime). */
  private static long spinUntilInterrupted(long start) {
    long giveUp = start + TimeUnit.SECONDS.toNanos(5);
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < giveUp) {
      Thread.onSpinWait();
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Parks (no CPU) until interrupted or 10 s pass; returns the ms since {@code start}. */
  private static long parkUntilInterrupted(long start) {
    long giveUp = start + TimeUnit.SECONDS.toNanos(10);
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < giveUp) {
      java.util.concurrent.locks.LockSupport.parkNanos(giveUp - System.nanoTime());
    }
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Waits until every check due before {@code ms} from now has run (single-thread scheduler). */
  private void drainChecksDueWithin(long ms) throws InterruptedException {
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.schedule(ran::countDown, ms, TimeUnit.MILLISECONDS);
    assertTrue(ran.await(10, TimeUnit.SECONDS));
  }

  @Test
  void interruptsAnOverrunningCallAtItsDeadline() {
    Watchdog.Slot slot = watchdog.register();
    long start = System.nanoTime();
    watchdog.start(slot, TimeUnit.MILLISECONDS.toNanos(20));
    long ms = spinUntilInterrupted(start);
    assertTrue(watchdog.stop(slot), "stop reports the overrun");
    assertTrue(Thread.interrupted(), "the watchdog interrupted this thread");
    // Not before the deadline; how soon after it depends on the machine's load (the interrupt
    // arriving at all is asserted above; without it the spin gives up after 5 s).
    assertTrue(ms >= 20, "interrupted after " + ms + " ms");
  }

  @Test
  void neverInterruptsACallThatEnded() throws InterruptedException {
    // Calls that end around their 2 ms deadline: whenever stop() says "no overrun", no interrupt
    // may arrive afterwards (the race the slot lock closes). How late a scheduled check wakes
    // differs by machine (tens of µs on bare metal, a millisecond on some VMs), so the ends spread
    // from 1.90 to 2.85 ms; every 20th call runs until interrupted, so overruns happen on any
    // machine whose watchdog works.
    Watchdog.Slot slot = watchdog.register();
    int overruns = 0;
    int endedUninterrupted = 0;
    for (int i = 0; i < 400; i++) {
      boolean untilInterrupted = i % 20 == 19;
      long end =
          System.nanoTime()
              + (untilInterrupted ? TimeUnit.SECONDS.toNanos(5) : 1_900_000 + (i % 20) * 50_000L);
      watchdog.start(slot, 2_000_000);
      while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
        Thread.onSpinWait();
      }
      if (watchdog.stop(slot)) {
        overruns++;
        assertTrue(Thread.interrupted(), "an overrun comes with an interrupt");
        continue;
      }
      assertFalse(untilInterrupted, "call " + i + " ran 5 s past its deadline uninterrupted");
      endedUninterrupted++;
      long quiet = System.nanoTime() + 300_000;
      while (System.nanoTime() < quiet) {
        assertFalse(Thread.currentThread().isInterrupted(), "late interrupt after call " + i);
      }
    }
    drainChecksDueWithin(20);
    assertFalse(Thread.currentThread().isInterrupted(), "no late interrupt");
    assertTrue(overruns >= 20, overruns + " overruns (else the test proves nothing)");
    assertTrue(endedUninterrupted > 0, "no call ended before its check (else it proves nothing)");
  }

  @Test
  void armsAboutOneCheckPerDeadlinePeriodNotOnePerCall() {
    Watchdog.Slot slot = watchdog.register();
    long start = System.nanoTime();
    int calls = 100_000;
    for (int i = 0; i < calls; i++) {
      watchdog.start(slot, TimeUnit.MILLISECONDS.toNanos(50));
      watchdog.stop(slot);
    }
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    long checks = watchdog.scheduledChecks();
    // A check is re-armed at most about once per half period while calls keep coming.
    assertTrue(
        checks <= 3 + elapsedMs / 25,
        checks + " checks for " + calls + " calls in " + elapsedMs + " ms");
  }

  @Test
  void anEarlierDeadlineIsNotDelayedByALaterOne() throws Exception {
    Watchdog.Slot slow = watchdog.register();
    Watchdog.Slot fast = watchdog.register();
    CountDownLatch slowStarted = new CountDownLatch(1);
    AtomicLong slowMs = new AtomicLong();
    Thread slowThread =
        new Thread(
            () -> {
              long start = System.nanoTime();
              watchdog.start(slow, TimeUnit.MILLISECONDS.toNanos(3_000));
              slowStarted.countDown();
              slowMs.set(parkUntilInterrupted(start));
              watchdog.stop(slow);
            });
    slowThread.start();
    assertTrue(slowStarted.await(5, TimeUnit.SECONDS));
    long start = System.nanoTime();
    watchdog.start(fast, TimeUnit.MILLISECONDS.toNanos(20)); // a check is pending at +3 s
    long fastMs = spinUntilInterrupted(start);
    assertTrue(watchdog.stop(fast));
    Thread.interrupted();
    slowThread.join(10_000);
    // Delayed by the later check, the 20 ms call would run the full 3 s; half of that is a margin
    // no loaded machine's scheduler needs (the old bound, 300 ms against a 400 ms check, was not).
    assertTrue(fastMs < 1_500, "the 20 ms call was interrupted after " + fastMs + " ms");
    assertTrue(slowMs.get() >= 3_000, "the 3 s call ran " + slowMs.get() + " ms");
  }

  @Test
  void aCallStaysGuardedWhenItsSlotIsUnregisteredMidCall() {
    Watchdog.Slot slot = watchdog.register();
    long start = System.nanoTime();
    watchdog.start(slot, TimeUnit.MILLISECONDS.toNanos(20));
    watchdog.unregister(slot); // e.g. the rule is unloaded while its batch runs
    long ms = spinUntilInterrupted(start);
    assertTrue(watchdog.stop(slot));
    assertTrue(Thread.interrupted());
    assertTrue(ms < 5_000, "still interrupted (before the spin gave up), after " + ms + " ms");
    assertEquals(0, watchdog.slotCount(), "and forgotten once the call ended");
  }

  @Test
  void aShutDownSchedulerRefusesToGuard() {
    Watchdog.Slot slot = watchdog.register();
    scheduler.shutdownNow();
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> watchdog.start(slot, 1_000_000));
    assertTrue(e.getMessage().contains("refused"));
    assertFalse(watchdog.stop(slot));
  }
}
