package io.edgerule.daemon.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Poll-with-deadline for conditions that have no event to wait on (a register in a simulator). */
public final class Poll {
  private Poll() {}

  public static void until(BooleanSupplier condition, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(10); // poll interval; the deadline bounds the wait
    }
  }
}
