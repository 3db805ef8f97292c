package io.edgerule.daemon.pipeline;

import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Rule publications on their way to the shared uplink. Each rule has a queue of its own, bounded in
 * messages ({@code pipeline.rule_publish_queue}) and bytes ({@code pipeline.rule_publish_bytes});
 * the rules with messages waiting take turns; and all rules together have at most {@link #WINDOW}
 * messages in the uplink at a time (handed over and not yet written or acknowledged). Rule messages
 * are handed over while {@link Uplink#takesMessagesNow()} (always, for the disk-backed outbox,
 * where rule publications have a budget of their own; while connected, for an uplink without one).
 * A rule flooding publications used to fill the uplink's in-flight window and its buffer, and the
 * uplink dropped about 98,000 messages including other rules' and the gateway's own; now a flood
 * delays or drops only the flooding rule's messages (oldest first, counted as {@code
 * publishes_dropped}), and the gateway's telemetry, state, alarms and write results always find the
 * rest of the window free.
 *
 * <p>Messages are handed over under this object's lock, so each rule's messages keep their order;
 * the uplink's completion callbacks only decrement a counter (they never take the lock, so an
 * uplink thread can never wait on a rule thread). {@link #drain} runs after every offer and
 * periodically, to use room the acknowledgements freed.
 */
public final class RuleOutbox {
  /** Rule messages in the uplink at most at a time (Paho's in-flight window is 1,000). */
  public static final int WINDOW = 256;

  private static final class Queue {
    final ArrayDeque<OutboundMessage> messages = new ArrayDeque<>();
    long bytes;
  }

  private final Uplink uplink;
  private final int capacity;
  private final long byteCapacity;
  private final Consumer<String> onDropped;
  private final Map<String, Queue> queues = new HashMap<>(); // guarded by this
  private final ArrayDeque<String> turns = new ArrayDeque<>(); // rules with messages waiting
  private final AtomicInteger outstanding = new AtomicInteger();
  private int waiting; // guarded by this

  /**
   * @param onDropped told the rule's name for each of its messages dropped from its full queue
   */
  public RuleOutbox(Uplink uplink, int capacity, long byteCapacity, Consumer<String> onDropped) {
    this.uplink = uplink;
    this.capacity = capacity;
    this.byteCapacity = byteCapacity;
    this.onDropped = onDropped;
  }

  /**
   * Queues a publication of {@code rule} (made by the fleet namespace) behind its earlier ones and
   * hands over what it can.
   */
  public void offer(String rule, OutboundMessage message) {
    int dropped = 0;
    synchronized (this) {
      Queue q = queues.get(rule);
      if (q == null) {
        q = new Queue();
        queues.put(rule, q);
        turns.addLast(rule);
      }
      q.messages.addLast(message);
      q.bytes += weight(message);
      waiting++;
      // Oldest first (a message alone over the byte cap goes too).
      while (q.messages.size() > capacity || (q.bytes > byteCapacity && !q.messages.isEmpty())) {
        OutboundMessage old = q.messages.pollFirst();
        q.bytes -= weight(old);
        waiting--;
        dropped++;
      }
      if (q.messages.isEmpty()) {
        queues.remove(rule);
        turns.remove(rule);
      }
    }
    for (int i = 0; i < dropped; i++) {
      onDropped.accept(rule);
    }
    drain();
  }

  private static long weight(OutboundMessage m) {
    return m.payload().length
        + m.topic().length()
        + 64L; // + what a queued message costs besides its bytes
  }

  /** Hands waiting messages to the uplink, rule by rule in turn, while there is room. */
  public synchronized void drain() {
    while (waiting > 0 && outstanding.get() < WINDOW && uplink.takesMessagesNow()) {
      String rule = turns.pollFirst();
      Queue q = queues.get(rule);
      OutboundMessage m = q.messages.pollFirst();
      q.bytes -= weight(m);
      waiting--;
      if (q.messages.isEmpty()) {
        queues.remove(rule); // a rule with nothing waiting keeps nothing here
      } else {
        turns.addLast(rule);
      }
      outstanding.incrementAndGet();
      uplink.publish(m, outstanding::decrementAndGet);
    }
  }

  /** Messages of {@code rule} waiting. */
  public synchronized int waiting(String rule) {
    Queue q = queues.get(rule);
    return q == null ? 0 : q.messages.size();
  }

  /** Messages of all rules waiting. */
  public synchronized int waiting() {
    return waiting;
  }

  /** Rule messages handed to the uplink and not yet written or acknowledged. */
  public int outstanding() {
    return outstanding.get();
  }
}
