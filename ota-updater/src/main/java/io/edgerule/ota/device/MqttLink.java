package io.edgerule.ota.device;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.mqtt.MqttTransport;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The MQTT operations the OTA code uses (download, rollout follower): a gateway's {@link
 * MqttTransport} ({@link #of}), or, in the fleet simulator, one of many gateways sharing a
 * connection. Semantics are the transport's: subscriptions survive reconnects, handlers run on a
 * callback thread and must not block.
 */
public interface MqttLink {
  CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retained);

  CompletionStage<Void> subscribe(String filter, int qos, Consumer<InboundMessage> handler);

  void unsubscribe(String filter);

  /** The link of one transport. */
  static MqttLink of(MqttTransport t) {
    return new MqttLink() {
      @Override
      public CompletionStage<Void> publish(
          String topic, byte[] payload, int qos, boolean retained) {
        return t.publish(topic, payload, qos, retained);
      }

      @Override
      public CompletionStage<Void> subscribe(
          String filter, int qos, Consumer<InboundMessage> handler) {
        return t.subscribe(filter, qos, handler);
      }

      @Override
      public void unsubscribe(String filter) {
        t.unsubscribe(filter);
      }
    };
  }
}
