package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Per-point telemetry made as an adapter hands a sample in ({@link Ingress#journal}), before the
 * pipeline's queue and the rules: the message is in the outbox when the adapter's {@code accept}
 * returns, so {@code kill -9} loses only what the outbox's flush policy leaves uncommitted, never
 * samples waiting in RAM for a busy dispatch thread. When the outbox cannot keep up (an
 * each-message commit, or 1 MiB buffered), the commit runs in the adapter's call: the adapters are
 * slowed down (back-pressure), and the outbox's budgets drop the oldest telemetry, counted. Devices
 * with {@code telemetry: batch} are collected on the dispatch thread ({@link TelemetryOut}): their
 * events wait in RAM until their batch goes out.
 */
public final class TelemetryAtIngress implements Consumer<PointEvent> {
  private final FleetNamespace namespace;
  private final Consumer<OutboundMessage> out;
  private final TelemetrySettings gateway;
  private final Map<String, TelemetrySettings> devices;

  public TelemetryAtIngress(
      FleetNamespace namespace,
      Consumer<OutboundMessage> out,
      TelemetrySettings gateway,
      Map<String, TelemetrySettings> devices) {
    this.namespace = namespace;
    this.out = out;
    this.gateway = gateway;
    this.devices = Map.copyOf(devices);
  }

  /** Whether this device's telemetry is made here ({@code per_point}). */
  public boolean handles(String device) {
    return devices.getOrDefault(device, gateway).mode() == TelemetrySettings.Mode.PER_POINT;
  }

  @Override
  public void accept(PointEvent event) {
    if (handles(event.point().device())) {
      namespace.telemetry(event, out);
    }
  }
}
