package io.edgerule.daemon.ota;

import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.mqtt.InboundMessage;
import io.edgerule.mqtt.MqttTransport;
import io.edgerule.ota.device.MqttLink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The OTA code's MQTT link on a gateway: what it publishes (the follow report) goes through the
 * uplink, so it waits in the outbox while the broker is away like every other message; what it
 * subscribes to (rollouts, switches, image chunks) goes straight to the uplink's transport, which
 * restores the subscriptions after every reconnect.
 */
final class UplinkLink implements MqttLink {
  private final Uplink uplink;
  private final MqttTransport transport;

  UplinkLink(Uplink uplink, MqttTransport transport) {
    this.uplink = uplink;
    this.transport = transport;
  }

  /** Completes when the message has left the uplink (acknowledged, or dropped and counted). */
  @Override
  public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    uplink.publish(topic, payload, qos, retained, () -> done.complete(null));
    return done;
  }

  @Override
  public CompletionStage<Void> subscribe(String filter, int qos, Consumer<InboundMessage> handler) {
    return transport.subscribe(filter, qos, handler);
  }

  @Override
  public void unsubscribe(String filter) {
    transport.unsubscribe(filter);
  }
}
