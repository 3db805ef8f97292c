package io.edgerule.daemon.metrics;

import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.Metrics;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxStats;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The pipeline's and the uplink's figures as meters, read when scraped: the ingress queue (depth,
 * accepted, dropped), the uplink (connected, published, dropped) and the outbox per message class
 * (backlog in messages and bytes, drops for space and for age). Nothing is counted twice: each
 * figure is the one the component already keeps. One scrape reads the uplink's status once (it is
 * cached for {@link #CACHE_MILLIS}), not once per series.
 */
public final class StateMetrics {
  static final long CACHE_MILLIS = 200;

  private final Uplink uplink;
  private volatile GatewayState.UplinkStatus cached;
  private volatile long cachedAt;

  private StateMetrics(Uplink uplink) {
    this.uplink = uplink;
  }

  /** Registers the meters in {@code metrics}. */
  public static void register(Metrics metrics, Ingress ingress, Uplink uplink) {
    StateMetrics s = new StateMetrics(uplink);
    metrics.gauge(
        "edgerule_pipeline_queue_depth",
        "Events waiting in the ingress queue",
        Labels.NONE,
        ingress::depth);
    metrics.counterOf(
        "edgerule_pipeline_accepted_total",
        "Events the ingress queue took from the adapters",
        Labels.NONE,
        ingress::accepted);
    metrics.counterOf(
        "edgerule_pipeline_dropped_total",
        "Events the ingress queue dropped because it was full",
        Labels.NONE,
        ingress::dropped);
    metrics.gauge(
        "edgerule_uplink_connected",
        "1 while the uplink is connected to the broker, else 0",
        Labels.NONE,
        () -> s.status().connected() ? 1 : 0);
    metrics.counterOf(
        "edgerule_uplink_published_total",
        "Messages accepted for sending",
        Labels.NONE,
        () -> s.status().published());
    metrics.counterOf(
        "edgerule_uplink_dropped_total",
        "Messages the uplink dropped (no uplink configured, or its buffer was full)",
        Labels.NONE,
        () -> s.status().dropped());
    for (MessageClass c : MessageClass.values()) {
      Labels cls = Labels.of("class", c.name().toLowerCase(Locale.ROOT));
      metrics.gauge(
          "edgerule_outbox_backlog_messages",
          "Messages of the class kept in the outbox until the broker acknowledges them",
          cls,
          s.outbox(c, OutboxStats.ClassStats::queuedMessages));
      metrics.gauge(
          "edgerule_outbox_backlog_bytes",
          "Bytes of the class kept in the outbox",
          cls,
          s.outbox(c, OutboxStats.ClassStats::queuedBytes));
      metrics.counterOf(
          "edgerule_outbox_dropped_total",
          "Messages of the class the outbox dropped before the broker had them, by reason",
          cls.and("reason", "space"),
          s.outboxTotal(c, OutboxStats.ClassStats::droppedForSpace));
      metrics.counterOf(
          "edgerule_outbox_dropped_total",
          "Messages of the class the outbox dropped before the broker had them, by reason",
          cls.and("reason", "age"),
          s.outboxTotal(c, OutboxStats.ClassStats::droppedForAge));
    }
  }

  private GatewayState.UplinkStatus status() {
    long now = System.nanoTime();
    GatewayState.UplinkStatus s = cached;
    if (s == null || now - cachedAt > TimeUnit.MILLISECONDS.toNanos(CACHE_MILLIS)) {
      s = uplink.status();
      cached = s;
      cachedAt = now;
    }
    return s;
  }

  /** A class's figure, or 0 for an uplink without an outbox. */
  private java.util.function.DoubleSupplier outbox(
      MessageClass c, ToDoubleFunction<OutboxStats.ClassStats> figure) {
    return () -> {
      GatewayState.OutboxFigures o = status().outbox();
      return o == null ? 0 : figure.applyAsDouble(o.stats().of(c));
    };
  }

  private java.util.function.LongSupplier outboxTotal(
      MessageClass c, ToLongFunction<OutboxStats.ClassStats> figure) {
    return () -> {
      GatewayState.OutboxFigures o = status().outbox();
      return o == null ? 0 : figure.applyAsLong(o.stats().of(c));
    };
  }
}
