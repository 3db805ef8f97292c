package io.edgerule.mqtt.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppendSignalTest {
  /** A thread waiting up to 10 minutes for an append beyond 0; started and parked on return. */
  private static Thread parkedWaiter(AppendSignal s, AtomicLong waitedNanos) throws Exception {
    Thread t =
        new Thread(
            () -> {
              long start = System.nanoTime();
              try {
                s.awaitAfter(0, TimeUnit.MINUTES.toMillis(10));
              } catch (InterruptedException e) {
                return;
              }
              waitedNanos.set(System.nanoTime() - start);
            });
    t.setDaemon(true);
    t.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (t.getState() != Thread.State.TIMED_WAITING) { // parked in awaitAfter
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the waiter did not park: " + t.getState());
      }
      Thread.onSpinWait();
    }
    return t;
  }

  @Test
  void anAppendWakesAParkedWaiter() throws Exception {
    AppendSignal s = new AppendSignal();
    AtomicLong waited = new AtomicLong(-1);
    Thread w = parkedWaiter(s, waited);
    s.set(1);
    s.wake();
    w.join(TimeUnit.MINUTES.toMillis(5)); // woken: well before its 10 minutes
    assertFalse(w.isAlive(), "the waiter returned");
    assertEquals(1, s.through());
  }

  @Test
  void heldAppendsWakeAParkedWaiterAtTheOutermostRelease() throws Exception {
    AppendSignal s = new AppendSignal();
    AtomicLong waited = new AtomicLong(-1);
    Thread w = parkedWaiter(s, waited);
    s.hold();
    s.hold();
    s.set(1);
    s.wake(); // held: the parked waiter is not unparked...
    s.release();
    s.release(); // ...until the outermost release
    w.join(TimeUnit.MINUTES.toMillis(5));
    assertFalse(w.isAlive(), "the release woke the waiter (it would sleep 10 minutes)");
    s.release(); // an unmatched release is harmless
  }
}
