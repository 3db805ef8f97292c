package io.edgerule.adapter.metrics;

/** A total that only goes up (requests sent, samples dropped), readable from any thread. */
public interface Counter {
  void increment();

  /**
   * Adds {@code amount}.
   *
   * @throws IllegalArgumentException if {@code amount} is negative (a counter never goes down)
   */
  void add(long amount);

  /** The total so far. */
  long count();
}
