package io.edgerule.mqtt.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * When appended messages reach the disk (a SQLite commit with synchronous=FULL, i.e. an fsync of
 * the write-ahead log).
 *
 * <ul>
 *   <li>{@link #everyMessage()}: {@code append} returns after the commit; nothing it accepted is
 *       lost by {@code kill -9} or power loss. Throughput is bounded by the disk's fsync rate.
 *   <li>{@link #every(Duration)}: {@code append} returns at once; a background commit every {@code
 *       interval} (or earlier when the buffer holds {@code maxBufferedBytes}). {@code kill -9} or
 *       power loss loses what was appended since the last commit: at most one interval's messages
 *       (plus the commit under way). {@link Outbox#durableThrough()} says how far is safe.
 * </ul>
 *
 * <p>Acknowledgements are always committed on the interval: after a crash, messages acknowledged in
 * the last interval are sent again (duplicates, which QoS 1 allows anyway).
 */
public record FlushPolicy(boolean eachMessage, Duration interval, int maxBufferedBytes) {

  public FlushPolicy {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("flush interval must be positive, was " + interval);
    }
    if (maxBufferedBytes < 1) {
      throw new IllegalArgumentException("maxBufferedBytes must be positive");
    }
  }

  /** Commit each message before {@code append} returns; acknowledgements every 100 ms. */
  public static FlushPolicy everyMessage() {
    return new FlushPolicy(true, Duration.ofMillis(100), 1);
  }

  /**
   * Commit every {@code interval}, or when 1 MiB (counted as {@link OutboundMessage#size()}) is
   * waiting. The buffer lives in the Java heap at about 2.5 times that size (objects, topic
   * strings), and while one buffer is being committed the next one fills: with 8 MiB, a gateway
   * whose commits fell behind held ~114,000 messages (42 MB) in a 64 MB heap and spent most of its
   * time collecting garbage (docs/benchmarks.md, "Reference load and soak"). 1 MiB is still several
   * intervals of per-point telemetry at 1,000 samples/s; above it the appending thread commits
   * itself, which slows the pipeline down to the disk's pace instead of filling the heap.
   */
  public static FlushPolicy every(Duration interval) {
    return new FlushPolicy(false, interval, 1 << 20);
  }
}
