package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Telemetry made as adapters hand samples in (the {@link Ingress}'s journal), before the pipeline's
 * queue and the rules, so {@code kill -9} loses only what the outbox's flush policy leaves
 * uncommitted, never samples waiting in RAM for a busy dispatch thread:
 *
 * <ul>
 *   <li>{@code per_point}: the message is in the outbox when the adapter's {@code accept} returns;
 *   <li>{@code batch}: the device's events are collected ({@link TelemetryBatches}) and the batch
 *       is in the outbox when the adapter's {@code cycleEnd} returns (or the call that filled it to
 *       1,000 events); a device without cycle ends (reports, subscriptions) has its batch sent when
 *       the window runs out, by the dispatch thread ({@link #due}): until then those events are in
 *       RAM only.
 * </ul>
 *
 * When the outbox cannot keep up (an each-message commit, or 1 MiB buffered), the commit runs in
 * the adapter's call: the adapters are slowed down (back-pressure), and the outbox's budgets drop
 * the oldest telemetry, counted.
 *
 * <p>Every method runs under the ingress lock (no locking of its own). A config reload changes the
 * settings there too ({@link #settings}, through {@link Ingress#betweenEvents}).
 */
public final class TelemetryAtIngress implements IngressJournal {
  private final FleetNamespace namespace;
  private final Consumer<OutboundMessage> out;
  private TelemetrySettings gateway; // guarded by the ingress lock
  private Map<String, TelemetrySettings> devices; // guarded by the ingress lock
  private final TelemetryBatches batches;

  /**
   * @param gateway the gateway's settings ({@code mqtt.telemetry}, {@code mqtt.telemetry_window})
   * @param devices per-device overrides by device name
   */
  public TelemetryAtIngress(
      FleetNamespace namespace,
      Consumer<OutboundMessage> out,
      TelemetrySettings gateway,
      Map<String, TelemetrySettings> devices) {
    this.namespace = namespace;
    this.out = out;
    this.gateway = gateway;
    this.devices = Map.copyOf(devices);
    this.batches = new TelemetryBatches(namespace, out);
  }

  /** With the gateway's settings from {@code mqtt} (none: {@code telemetry: off}). */
  public TelemetryAtIngress(
      FleetNamespace namespace,
      Consumer<OutboundMessage> out,
      MqttConfig mqtt,
      Map<String, TelemetrySettings> devices) {
    this(namespace, out, of(mqtt), devices);
  }

  /**
   * The gateway's telemetry settings in {@code mqtt} ({@code telemetry: off} without an uplink).
   */
  public static TelemetrySettings of(MqttConfig mqtt) {
    return mqtt == null
        ? new TelemetrySettings(TelemetrySettings.Mode.OFF, null)
        : mqtt.telemetrySettings();
  }

  /**
   * New settings from a config reload; call under the ingress lock ({@link Ingress#betweenEvents}).
   * When they differ, every batch collected so far goes out first, made as the old settings said:
   * no event waits in a batch whose mode or window no longer applies, and none is lost.
   *
   * @return whether anything changed
   */
  public boolean settings(TelemetrySettings gateway, Map<String, TelemetrySettings> devices) {
    if (gateway.equals(this.gateway) && devices.equals(this.devices)) {
      return false;
    }
    batches.flushAll();
    this.gateway = gateway;
    this.devices = Map.copyOf(devices);
    return true;
  }

  @Override
  public void event(PointEvent event) {
    TelemetrySettings s = devices.getOrDefault(event.point().device(), gateway);
    switch (s.mode()) {
      case OFF -> {}
      case PER_POINT -> namespace.telemetry(event, out);
      case BATCH -> batches.offer(event, s, System.nanoTime());
    }
  }

  @Override
  public void cycleEnd(String device, long through) {
    batches.cycleEnd(device, through);
  }

  @Override
  public long nanosUntilDue(long nowNanos, long max) {
    return batches.nanosUntilDue(nowNanos, max);
  }

  @Override
  public void due(long nowNanos) {
    batches.flushDue(nowNanos);
  }

  @Override
  public void close() {
    batches.flushAll();
  }
}
