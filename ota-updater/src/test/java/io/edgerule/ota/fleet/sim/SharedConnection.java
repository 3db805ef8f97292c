package io.edgerule.ota.fleet.sim;

import io.edgerule.mqtt.InboundMessage;
import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.PublishException;
import io.edgerule.ota.device.MqttLink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One real MQTT connection shared by many virtual gateways, each seeing it as its own {@link
 * MqttLink}. 1,000 (or 10,000) Paho clients in one JVM would cost ~4 threads each; a gateway's code
 * does not care whose connection carries its messages, so the simulator gives a few hundred
 * gateways one connection. What differs from a gateway per connection, and why it is harmless for
 * the fleet protocol:
 *
 * <ul>
 *   <li>A filter is subscribed on the broker once per connection, and each message is fanned out to
 *       every gateway of the connection subscribed to it: the broker sends the fleet's documents
 *       and chunks once per connection instead of once per gateway (the figures say so).
 *   <li>A gateway subscribing to a filter the connection already holds gets the last message of
 *       every topic of that filter from the connection's own copy, as the broker would send the
 *       retained ones (every fleet topic a gateway subscribes to is only ever published retained,
 *       so the last message of a topic is its retained message). Subscribing again on the broker
 *       would resend the retained messages to every gateway of the connection.
 *   <li>A broker subscription is kept after its last gateway unsubscribes.
 *   <li>A publish refused because the connection's window is full waits for room and is sent again
 *       (a gateway's own transport would have its own window); any other failure is counted.
 * </ul>
 */
final class SharedConnection implements AutoCloseable {
  private final MqttTransport transport;
  private final Object lock = new Object();
  private final Map<String, Fanout> filters = new HashMap<>(); // guarded by lock
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong received = new AtomicLong();

  /** One broker subscription: its gateways' handlers and the last message of each topic. */
  private static final class Fanout {
    final Map<Object, Consumer<InboundMessage>> handlers = new LinkedHashMap<>();
    final Map<String, byte[]> last = new HashMap<>();
    CompletionStage<Void> subscribed;
  }

  SharedConnection(MqttTransport transport) {
    this.transport = transport;
  }

  MqttTransport transport() {
    return transport;
  }

  /** The link one gateway uses. */
  MqttLink link() {
    Object owner = new Object();
    return new MqttLink() {
      @Override
      public CompletionStage<Void> publish(
          String topic, byte[] payload, int qos, boolean retained) {
        return SharedConnection.this.publish(topic, payload, qos, retained);
      }

      @Override
      public CompletionStage<Void> subscribe(
          String filter, int qos, Consumer<InboundMessage> handler) {
        return SharedConnection.this.subscribe(owner, filter, handler);
      }

      @Override
      public void unsubscribe(String filter) {
        synchronized (lock) {
          Fanout f = filters.get(filter);
          if (f != null) {
            f.handlers.remove(owner);
          }
        }
      }
    };
  }

  private CompletionStage<Void> subscribe(
      Object owner, String filter, Consumer<InboundMessage> handler) {
    synchronized (lock) {
      Fanout f = filters.get(filter);
      if (f == null) {
        Fanout fresh = new Fanout();
        fresh.handlers.put(owner, handler);
        filters.put(filter, fresh);
        fresh.subscribed = transport.subscribe(filter, 1, m -> dispatch(fresh, m));
        return fresh.subscribed;
      }
      f.handlers.put(owner, handler);
      for (Map.Entry<String, byte[]> e : f.last.entrySet()) {
        delivered.incrementAndGet();
        handler.accept(new InboundMessage(e.getKey(), e.getValue(), 1, true, false));
      }
      return f.subscribed;
    }
  }

  private void dispatch(Fanout f, InboundMessage m) {
    received.incrementAndGet();
    List<Consumer<InboundMessage>> to;
    synchronized (lock) {
      if (m.payload().length == 0) {
        f.last.remove(m.topic());
      } else {
        f.last.put(m.topic(), m.payload());
      }
      to = new ArrayList<>(f.handlers.values());
      // delivered under the lock: a gateway subscribing meanwhile gets it from the copy or here,
      // never both and never neither
      for (Consumer<InboundMessage> h : to) {
        delivered.incrementAndGet();
        h.accept(m);
      }
    }
  }

  CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    attempt(topic, payload, qos, retained, done);
    return done;
  }

  private void attempt(
      String topic, byte[] payload, int qos, boolean retained, CompletableFuture<Void> done) {
    transport
        .publish(topic, payload, qos, retained)
        .whenComplete(
            (v, e) -> {
              if (e == null) {
                published.incrementAndGet();
                done.complete(null);
                return;
              }
              Throwable c =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              if (c instanceof PublishException pe
                  && pe.reason() == PublishException.Reason.WINDOW_FULL) {
                transport.capacity().thenRun(() -> attempt(topic, payload, qos, retained, done));
              } else {
                failed.incrementAndGet();
                done.completeExceptionally(c);
              }
            });
  }

  /** Publishes acknowledged by the broker. */
  long published() {
    return published.get();
  }

  /** Publishes that failed for another reason than a full window. */
  long failed() {
    return failed.get();
  }

  /** Messages the broker sent this connection. */
  long received() {
    return received.get();
  }

  /** Messages handed to gateways (fan-out and copies for late subscribers). */
  long delivered() {
    return delivered.get();
  }

  @Override
  public void close() {
    transport.close();
  }
}
