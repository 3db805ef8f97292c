package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns point events into telemetry messages, per device as configured: one message per event
 * ({@code per_point}), or the events of one device collected into one message ({@code batch}) that
 * goes out when the device's read cycle ends ({@link Ingress.CycleEnd}), when the oldest event has
 * waited the device's window, or at {@link #MAX_EVENTS} events. Every event goes out exactly once
 * and in sequence order per device; a batch never merges two events of a point.
 *
 * <p>Owned by the dispatch thread: every method is called from it (no locking).
 */
public final class TelemetryOut {
  /** Most events in one batch message (a bound on its size: about 200 bytes each in JSON). */
  public static final int MAX_EVENTS = 1000;

  private final FleetNamespace namespace;
  private final Consumer<OutboundMessage> out;
  private final TelemetrySettings gateway;
  private final Map<String, TelemetrySettings> devices;
  private final Map<String, Pending> pending = new HashMap<>();
  private final List<Ingress.CycleEnd> waitingEnds = new ArrayList<>();
  private long lastRouted;
  private final boolean perPointAtIngress;

  private static final class Pending {
    final TelemetrySettings settings;
    final List<PointEvent> events = new ArrayList<>();
    long dueNanos;

    Pending(TelemetrySettings settings) {
      this.settings = settings;
    }
  }

  /**
   * @param gateway the gateway's settings ({@code mqtt.telemetry}, {@code mqtt.telemetry_window})
   * @param devices per-device overrides by device name
   */
  public TelemetryOut(
      FleetNamespace namespace,
      Consumer<OutboundMessage> out,
      TelemetrySettings gateway,
      Map<String, TelemetrySettings> devices) {
    this(namespace, out, gateway, devices, false);
  }

  /**
   * @param perPointAtIngress per-point telemetry is made by {@link TelemetryAtIngress}: only
   *     batches are made here
   */
  public TelemetryOut(
      FleetNamespace namespace,
      Consumer<OutboundMessage> out,
      TelemetrySettings gateway,
      Map<String, TelemetrySettings> devices,
      boolean perPointAtIngress) {
    this.perPointAtIngress = perPointAtIngress;
    this.namespace = namespace;
    this.out = out;
    this.gateway = gateway;
    this.devices = Map.copyOf(devices);
  }

  /** Sends or collects one event; {@code nowNanos} on {@link System#nanoTime()}'s scale. */
  public void offer(PointEvent event, long nowNanos) {
    lastRouted = event.sequence();
    String device = event.point().device();
    TelemetrySettings s = devices.getOrDefault(device, gateway);
    switch (s.mode()) {
      case OFF -> {}
      case PER_POINT -> {
        if (!perPointAtIngress) {
          namespace.telemetry(event, out);
        } // else made when the sample came in (TelemetryAtIngress)
      }
      case BATCH -> {
        Pending p = pending.computeIfAbsent(device, d -> new Pending(s));
        if (p.events.isEmpty()) {
          p.dueNanos = nowNanos + s.window().toNanos();
        }
        p.events.add(event);
        if (p.events.size() >= MAX_EVENTS) {
          flush(device, p, Long.MAX_VALUE);
        }
      }
    }
  }

  /**
   * Read cycles that ended: a device's batch goes out once every event of its cycle has been
   * offered (its events up to the cycle's last sequence number; later ones wait for their own
   * cycle).
   */
  public void cycleEnds(List<Ingress.CycleEnd> ends) {
    waitingEnds.addAll(ends);
    for (Iterator<Ingress.CycleEnd> it = waitingEnds.iterator(); it.hasNext(); ) {
      Ingress.CycleEnd end = it.next();
      if (end.through() > lastRouted) {
        continue; // some of the cycle's events are still queued (or were dropped: the window ends
        // it)
      }
      it.remove();
      Pending p = pending.get(end.device());
      if (p != null && !p.events.isEmpty()) {
        flush(end.device(), p, end.through());
      }
    }
    if (waitingEnds.size() > 10_000) {
      waitingEnds.subList(0, waitingEnds.size() - 10_000).clear(); // their windows end them
    }
  }

  /** Sends the batches whose window has run out. */
  public void flushDue(long nowNanos) {
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      if (!p.events.isEmpty() && nowNanos - p.dueNanos >= 0) {
        flush(e.getKey(), p, Long.MAX_VALUE);
      }
    }
  }

  /** Nanoseconds until the next batch is due, at most {@code max}. */
  public long nanosUntilDue(long nowNanos, long max) {
    long wait = max;
    for (Pending p : pending.values()) {
      if (!p.events.isEmpty()) {
        wait = Math.min(wait, Math.max(0, p.dueNanos - nowNanos));
      }
    }
    return wait;
  }

  /** Sends every batch collected (at shutdown). */
  public void flushAll() {
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
