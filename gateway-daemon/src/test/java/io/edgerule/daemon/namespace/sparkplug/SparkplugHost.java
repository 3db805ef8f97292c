package io.edgerule.daemon.namespace.sparkplug;

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
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.Topic;

/**
 * A Sparkplug B host application for tests: subscribes to a group, decodes every message with
 * Tahu's decoder (a message it cannot decode fails the test) and keeps them in arrival order; sends
 * NCMD and DCMD encoded with Tahu's encoder.
 */
final class SparkplugHost implements AutoCloseable {
  /** One message of an edge node or device, as the host decoded it. */
  record Received(int index, Topic topic, SparkplugBPayload payload) {
    MessageType type() {
      return topic.getType();
    }

    String device() {
      return topic.getDeviceId();
    }

    Long seq() {
      return payload.getSeq();
    }

    Metric metric(String name) {
      return payload.getMetrics().stream()
          .filter(m -> name.equals(m.getName()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no metric '" + name + "' in " + this));
    }

    @Override
    public String toString() {
      return index + " " + topic + " seq=" + seq() + " metrics=" + payload.getMetrics().size();
    }
  }

  private final MqttClient client;
  private final List<Received> received = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  SparkplugHost(String uri, String group) throws MqttException {
    client = new MqttClient(uri, "sparkplug-host-" + System.nanoTime(), new MemoryPersistence());
    client.setCallback(
        new MqttCallback() {
          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void messageArrived(String topic, MqttMessage m) {
            synchronized (received) {
              try {
                Topic t = Topic.parseTopic(topic);
                if (!t.getType().isCommand()) {
                  SparkplugBPayload p =
                      new SparkplugBPayloadDecoder().buildFromByteArray(m.getPayload(), null);
                  received.add(new Received(received.size(), t, p));
                }
              } catch (Exception e) {
                failures.add(topic + ": " + e);
              }
              received.notifyAll();
            }
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    client.connect(o);
    client.subscribe("spBv1.0/" + group + "/#", 1);
  }

  void send(String topic, Metric... metrics) throws Exception {
    SparkplugBPayload p = new SparkplugBPayload(new java.util.Date(), List.of(metrics), null);
    client.publish(topic, new SparkplugBPayloadEncoder().getBytes(p, false), 0, false);
  }

  /** The first message at {@code from} or later that matches. */
  Received await(int from, Predicate<Received> match, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (true) {
        if (!failures.isEmpty()) {
          throw new AssertionError("undecodable Sparkplug messages: " + failures);
        }
        for (int i = from; i < received.size(); i++) {
          if (match.test(received.get(i))) {
            return received.get(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + what + " within " + timeout + "; received: " + received);
        }
        received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  int size() {
    synchronized (received) {
      return received.size();
    }
  }

  List<Received> all() {
    synchronized (received) {
      if (!failures.isEmpty()) {
        throw new AssertionError("undecodable Sparkplug messages: " + failures);
      }
      return List.copyOf(received);
    }
  }

  @Override
  public void close() throws MqttException {
    try {
      client.disconnect();
    } finally {
      client.close();
    }
  }
}
