package io.edgerule.mqtt.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a generous deadline (the test machine may be loaded). */
public final class Await {
  private Await() {}

  public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what.get());
      }
      Thread.sleep(10); // polling interval, bounded by the deadline
    }
  }
}
