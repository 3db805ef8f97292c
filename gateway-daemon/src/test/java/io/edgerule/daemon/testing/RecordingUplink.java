package io.edgerule.daemon.testing;

import io.edgerule.daemon.mqtt.Uplink;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/** An uplink that keeps every message it is given, in order (no broker). */
public final class RecordingUplink implements Uplink {
  public record Message(String topic, byte[] payload, int qos, boolean retained) {}

  public final ConcurrentLinkedQueue<Message> messages = new ConcurrentLinkedQueue<>();
  private final AtomicLong published = new AtomicLong();

  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    messages.add(new Message(topic, payload.clone(), qos, retained));
    published.incrementAndGet();
  }

  /** The messages sent to {@code topic}, in order. */
  public List<Message> on(String topic) {
    return messages.stream().filter(m -> m.topic().equals(topic)).toList();
  }

  @Override
  public void subscribe(String topicFilter, BiConsumer<String, byte[]> handler) {}

  @Override
  public boolean isConnected() {
    return true;
  }

  @Override
  public long published() {
    return published.get();
  }

  @Override
  public long dropped() {
    return 0;
  }

  @Override
  public void close() {}
}
