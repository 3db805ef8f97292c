package io.edgerule.daemon.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A test's MQTT client: records every message on its subscriptions and waits for matches. */
public final class MqttProbe implements AutoCloseable {
  /** One received message. */
  public record Message(String topic, String payload, boolean retained) {}

  private final MqttClient client;
  private final List<Message> received = new ArrayList<>();

  public MqttProbe(String uri, String... filters) throws MqttException {
    client = new MqttClient(uri, "probe-" + System.nanoTime(), new MemoryPersistence());
    client.setCallback(
        new MqttCallback() {
          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void messageArrived(String topic, MqttMessage m) {
            synchronized (received) {
              received.add(
                  new Message(
                      topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.isRetained()));
              received.notifyAll();
            }
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    client.connect(o);
    for (String f : filters) {
      client.subscribe(f, 1);
    }
  }

  public void publish(String topic, String payload) throws MqttException {
    client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
  }

  /** Waits for the first message (received at any time so far) that matches. */
  public Message await(Predicate<Message> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (true) {
        for (Message m : received) {
          if (match.test(m)) {
            return m;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no matching MQTT message within " + timeout + "; received: " + summary());
        }
        received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  public List<Message> all() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  private String summary() {
    List<Message> copy = new ArrayList<>(received);
    int from = Math.max(0, copy.size() - 20);
    return copy.size() + " messages, last: " + copy.subList(from, copy.size());
  }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) {
      client.disconnect();
    }
    client.close();
  }
}
