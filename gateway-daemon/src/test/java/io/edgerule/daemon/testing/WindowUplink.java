package io.edgerule.daemon.testing;

import io.edgerule.daemon.mqtt.Uplink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * An uplink shaped like Paho's: at most {@code window} messages in flight, further ones dropped
 * (Paho's "too many publishes in progress"); a broker that acknowledges one message every 100 µs,
 * in order. Keeps what was delivered and what was dropped.
 */
public final class WindowUplink implements Uplink {
  private record InFlight(RecordingUplink.Message message, Runnable done) {}

  private final int window;
  private final ScheduledExecutorService broker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "window-broker");
            t.setDaemon(true);
            return t;
          });
  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>(); // guarded by this
  private final List<RecordingUplink.Message> delivered = new ArrayList<>(); // guarded by this
  private final List<RecordingUplink.Message> dropped = new ArrayList<>(); // guarded by this
  private long published; // guarded by this
  private boolean acking; // guarded by this

  public WindowUplink(int window) {
    this.window = window;
  }

  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained) {
    publish(topic, payload, qos, retained, () -> {});
  }

  @Override
  public void publish(String topic, byte[] payload, int qos, boolean retained, Runnable done) {
    RecordingUplink.Message m = new RecordingUplink.Message(topic, payload.clone(), qos, retained);
    synchronized (this) {
      if (inFlight.size() >= window) {
        dropped.add(m);
      } else {
        published++;
        inFlight.addLast(new InFlight(m, done));
        if (!acking) {
          acking = true;
          broker.schedule(this::ackOne, 100, TimeUnit.MICROSECONDS);
        }
        return;
      }
    }
    done.run(); // refused: it has left the uplink
  }

  private void ackOne() {
    InFlight f;
    synchronized (this) {
      f = inFlight.pollFirst();
      delivered.add(f.message());
      if (inFlight.isEmpty()) {
        acking = false;
      } else {
        broker.schedule(this::ackOne, 100, TimeUnit.MICROSECONDS);
      }
    }
    f.done().run();
  }

  /** Messages the broker acknowledged, in order, on {@code topic}. */
  public synchronized List<RecordingUplink.Message> deliveredOn(String topic) {
    return delivered.stream().filter(m -> m.topic().equals(topic)).toList();
  }

  public synchronized List<RecordingUplink.Message> delivered() {
    return List.copyOf(delivered);
  }

  public synchronized List<RecordingUplink.Message> droppedMessages() {
    return List.copyOf(dropped);
  }

  public synchronized int inFlight() {
    return inFlight.size();
  }

  @Override
  public void subscribe(String topicFilter, BiConsumer<String, byte[]> handler) {}

  @Override
  public boolean isConnected() {
    return true;
  }

  @Override
  public synchronized long published() {
    return published;
  }

  @Override
  public synchronized long dropped() {
    return dropped.size();
  }

  @Override
  public void close() {
    broker.shutdownNow();
  }
}
