package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;

/**
 * What sees every event as the {@link Ingress} makes it: always under the ingress lock and in
 * sequence order, before the event is queued for the rules (and before the queue can drop it).
 * Telemetry enters the outbox here ({@link TelemetryAtIngress}), so whatever an adapter hands in is
 * in the outbox when its call returns (per point), or when its read cycle ends (batches).
 *
 * <p>A journal must not block for long: it holds up the adapters when it does (back-pressure).
 */
@FunctionalInterface
public interface IngressJournal {
  /** One event, on the adapter's thread that handed its sample in. */
  void event(PointEvent event);

  /**
   * A read cycle of {@code device} ended ({@code EventSink.cycleEnd}), on the adapter's thread: its
   * events are those up to sequence {@code through}, all seen by {@link #event} already.
   */
  default void cycleEnd(String device, long through) {}

  /**
   * Nanoseconds from {@code nowNanos} (on {@link System#nanoTime()}'s scale) until {@link #due} has
   * something to do, at most {@code max}.
   */
  default long nanosUntilDue(long nowNanos, long max) {
    return max;
  }

  /** Does what is due by {@code nowNanos} (a batch window that ran out); on the dispatch thread. */
  default void due(long nowNanos) {}

  /** The ingress closed: no more events; whatever is held goes out now. */
  default void close() {}
}
