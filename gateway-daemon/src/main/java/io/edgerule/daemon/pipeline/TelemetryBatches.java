package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Collects the events of devices with {@code telemetry: batch} into one message per device, which
 * goes out when the device's read cycle ends ({@link #cycleEnd}), when its oldest event has waited
 * the device's window, or at {@link #MAX_EVENTS} events. Every event goes out exactly once and in
 * sequence order per device; a batch never merges two events of a point.
 *
 * <p>Not thread-safe: {@link TelemetryAtIngress} calls it under the ingress lock, so events come in
 * sequence order and a batch is handed to the outbox in the adapter's call that ends it (the cycle
 * end, or the event that fills it), or by the dispatch thread when its window runs out.
 */
final class TelemetryBatches {
  /** Most events in one batch message (a bound on its size: about 200 bytes each in JSON). */
  static final int MAX_EVENTS = 1000;

  private final FleetNamespace namespace;
  private final Consumer<OutboundMessage> out;
  // Devices in the order of their first event: flushAll is deterministic.
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  private static final class Pending {
    final List<PointEvent> events = new ArrayList<>();
    long dueNanos;
  }

  TelemetryBatches(FleetNamespace namespace, Consumer<OutboundMessage> out) {
    this.namespace = namespace;
    this.out = out;
  }

  /**
   * Collects one event of a device whose settings are {@code settings}; {@code nowNanos} on {@link
   * System#nanoTime()}'s scale. A batch whose window ran out goes out first (an adapter that hands
   * events in steadily ends its windows itself).
   */
  void offer(PointEvent event, TelemetrySettings settings, long nowNanos) {
    String device = event.point().device();
    Pending p = pending.computeIfAbsent(device, d -> new Pending());
    if (!p.events.isEmpty() && nowNanos - p.dueNanos >= 0) {
      flush(device, p, Long.MAX_VALUE);
    }
    if (p.events.isEmpty()) {
      p.dueNanos = nowNanos + settings.window().toNanos();
    }
    p.events.add(event);
    if (p.events.size() >= MAX_EVENTS) {
      flush(device, p, Long.MAX_VALUE);
    }
  }

  /** A read cycle of {@code device} ended: its events up to sequence {@code through} go out. */
  void cycleEnd(String device, long through) {
    Pending p = pending.get(device);
    if (p != null) {
      flush(device, p, through);
    }
  }

  /** Sends the batches whose window has run out. */
  void flushDue(long nowNanos) {
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (!p.events.isEmpty() && nowNanos - p.dueNanos >= 0) {
        flush(e.getKey(), p, Long.MAX_VALUE);
      }
    }
  }

  /** Nanoseconds until the next batch is due, at most {@code max}. */
  long nanosUntilDue(long nowNanos, long max) {
    long wait = max;
    for (Pending p : pending.values()) {
      if (!p.events.isEmpty()) {
        wait = Math.min(wait, Math.max(0, p.dueNanos - nowNanos));
      }
    }
    return wait;
  }

  /** Sends every batch collected (at shutdown, and before new settings apply). */
  void flushAll() {
    pending.forEach((device, p) -> flush(device, p, Long.MAX_VALUE));
  }

  /** Sends the device's events up to sequence {@code through}; later ones start a new window. */
  private void flush(String device, Pending p, long through) {
    int n = 0;
    while (n < p.events.size() && p.events.get(n).sequence() <= through) {
      n++;
    }
    if (n == 0) {
      return;
    }
    List<PointEvent> batch = List.copyOf(p.events.subList(0, n));
    p.events.subList(0, n).clear();
    // The rest keeps the earlier deadline: it goes out within its window, maybe sooner.
    namespace.telemetryBatch(device, batch, out);
  }
}
