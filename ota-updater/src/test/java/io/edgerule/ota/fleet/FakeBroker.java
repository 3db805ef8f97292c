package io.edgerule.ota.fleet;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.ota.device.MqttLink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Retained messages and subscriptions in memory, delivering synchronously, for unit tests of the
 * follower's decisions (the simulator and the ITs use a real Mosquitto). A subscription receives
 * the matching retained messages at once, as a broker sends them.
 */
final class FakeBroker {
  final Map<String, byte[]> retained = new ConcurrentHashMap<>();
  final List<String> published = new CopyOnWriteArrayList<>();
  private final List<Sub> subs = new CopyOnWriteArrayList<>();

  private record Sub(MqttLink owner, String filter, Consumer<InboundMessage> handler) {}

  MqttLink link() {
    return new MqttLink() {
      @Override
      public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        FakeBroker.this.publish(topic, payload, retain);
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public CompletionStage<Void> subscribe(
          String filter, int qos, Consumer<InboundMessage> handler) {
        MqttLink self = this;
        subs.removeIf(s -> s.owner == self && s.filter.equals(filter));
        subs.add(new Sub(self, filter, handler));
        retained.forEach(
            (t, p) -> {
              if (matches(filter, t)) {
                handler.accept(new InboundMessage(t, p, 1, true, false));
              }
            });
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void unsubscribe(String filter) {
        MqttLink self = this;
        subs.removeIf(s -> s.owner == self && s.filter.equals(filter));
      }
    };
  }

  /** How many links are subscribed to exactly {@code filter}. */
  long subscriptions(String filter) {
    return subs.stream().filter(s -> s.filter.equals(filter)).count();
  }

  void publish(String topic, byte[] payload, boolean retain) {
    published.add(topic);
    if (retain) {
      if (payload.length == 0) {
        retained.remove(topic);
      } else {
        retained.put(topic, payload.clone());
      }
    }
    for (Sub s : subs) {
      if (matches(s.filter, topic)) {
        s.handler.accept(new InboundMessage(topic, payload, 1, false, false));
      }
    }
  }

  static boolean matches(String filter, String topic) {
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true;
      }
      if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
        return false;
      }
    }
    return f.length == t.length;
  }
}
