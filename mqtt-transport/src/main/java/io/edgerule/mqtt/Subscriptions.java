package io.edgerule.mqtt;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttAsyncClient;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport's subscriptions: kept here and sent to the broker on every connect (a clean
 * session, or a broker that lost its state, remembers none), and the dispatch of what arrives.
 */
final class Subscriptions {
  private static final Logger log = LoggerFactory.getLogger(MqttTransport.class);

  private record Subscription(
      int qos, Consumer<InboundMessage> handler, CompletableFuture<Void> firstAck) {}

  private final Map<String, Subscription> byFilter = new ConcurrentHashMap<>();
  private final Supplier<IMqttAsyncClient> client; // the transport's current client
  private final Function<Throwable, String> describe;

  Subscriptions(Supplier<IMqttAsyncClient> client, Function<Throwable, String> describe) {
    this.client = client;
    this.describe = describe;
  }

  /** Remembers the subscription; sends it now if {@code connected}. */
  CompletionStage<Void> add(
      String filter, int qos, Consumer<InboundMessage> handler, boolean connected) {
    Subscription s = new Subscription(qos, handler, new CompletableFuture<>());
    byFilter.put(filter, s);
    if (connected) {
      send(List.of(filter), () -> {});
    }
    return s.firstAck().minimalCompletionStage();
  }

  void remove(String filter, boolean connected) {
    if (byFilter.remove(filter) != null && connected) {
      try {
        client.get().unsubscribe(filter);
      } catch (MqttException e) {
        log.debug("MQTT unsubscribe {}: {}", filter, e.toString());
      }
    }
  }

  /** Sends every subscription again, then runs {@code then} (also when that failed). */
  void restore(Runnable then) {
    send(List.copyOf(byFilter.keySet()), then);
  }

  /** Hands a message to every handler whose filter matches; a failing handler harms only itself. */
  void dispatch(String topic, MqttMessage message) {
    InboundMessage in =
        new InboundMessage(
            topic,
            message.getPayload(),
            message.getQos(),
            message.isRetained(),
            message.isDuplicate());
    for (Map.Entry<String, Subscription> e : byFilter.entrySet()) {
      if (MqttTopic.isMatched(e.getKey(), topic)) {
        try {
          e.getValue().handler().accept(in);
        } catch (RuntimeException ex) {
          log.warn("MQTT handler for {} failed on {}: {}", e.getKey(), topic, ex.toString());
        }
      }
    }
  }

  private void send(List<String> filters, Runnable then) {
    List<String> sent = new ArrayList<>();
    List<Integer> qos = new ArrayList<>();
    for (String f : filters) {
      Subscription s = byFilter.get(f);
      if (s != null) {
        sent.add(f);
        qos.add(s.qos());
      }
    }
    if (sent.isEmpty()) {
      then.run();
      return;
    }
    try {
      client
          .get()
          .subscribe(
              sent.toArray(new String[0]),
              qos.stream().mapToInt(Integer::intValue).toArray(),
              null,
              new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                  int[] granted = token.getGrantedQos();
                  for (int i = 0; i < sent.size(); i++) {
                    Subscription s = byFilter.get(sent.get(i));
                    if (s == null) {
                      continue;
                    }
                    if (granted != null && i < granted.length && granted[i] == 0x80) {
                      log.warn("MQTT broker refused the subscription to {}", sent.get(i));
                      s.firstAck()
                          .completeExceptionally(
                              new IOException("broker refused the subscription to " + sent.get(i)));
                    } else {
                      s.firstAck().complete(null);
                    }
                  }
                  then.run();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                  log.warn("MQTT subscribe to {} failed: {}", sent, describe.apply(e));
                  then.run();
                }
              });
    } catch (MqttException e) {
      log.warn("MQTT subscribe to {} failed: {}", sent, describe.apply(e));
      then.run();
    }
  }
}
