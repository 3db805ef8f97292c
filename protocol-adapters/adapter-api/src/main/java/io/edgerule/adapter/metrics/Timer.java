package io.edgerule.adapter.metrics;

/**
 * How long something took, one observation at a time (a request's round trip, a rule's batch).
 * Exported with its count, sum and quantiles (p50, p99) over a sliding window.
 */
public interface Timer {
  /** Records one observation of {@code nanos} nanoseconds (negative values count as 0). */
  void record(long nanos);

  /** Observations so far. */
  long count();

  /** The sum of all observations, in nanoseconds. */
  long totalNanos();
}
