package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.daemon.mqtt.Uplink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class RuleOutboxTest {
  /** Keeps what it is given and the done of each, until the test runs them. */
  private static final class Fake implements Uplink {
    final List<String> sent = new ArrayList<>();
    final List<Runnable> dones = new ArrayList<>();
    boolean online = true;

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained) {
      throw new AssertionError("rule messages are published with done");
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained, Runnable done) {
      sent.add(topic);
      dones.add(done);
    }

    @Override
    public boolean takesMessagesNow() {
      return online;
    }

    @Override
    public void subscribe(String topicFilter, BiConsumer<String, byte[]> handler) {}

    @Override
    public boolean isConnected() {
      return online;
    }

    @Override
    public long published() {
      return sent.size();
    }

    @Override
    public long dropped() {
      return 0;
    }

    @Override
    public void close() {}
  }

  @Test
  void rulesTakeTurnsWithinTheWindowAndWaitWhileOffline() {
    Fake up = new Fake();
    List<String> dropped = new ArrayList<>();
    RuleOutbox box = new RuleOutbox(up, 10_000, 1 << 30, dropped::add);
    up.online = false;
    for (int i = 0; i < RuleOutbox.WINDOW + 10; i++) {
      box.offer("flood", msg("f/" + i, new byte[1], 0));
    }
    box.offer("good", msg("g/0", new byte[1], 1));
    box.offer("good", msg("g/1", new byte[1], 1));
    assertEquals(List.of(), up.sent, "nothing is handed over while offline");

    up.online = true;
    box.drain();
    assertEquals(RuleOutbox.WINDOW, up.sent.size(), "the window is full");
    assertEquals(List.of("f/0", "g/0", "f/1", "g/1", "f/2"), up.sent.subList(0, 5), "in turn");
    assertEquals(RuleOutbox.WINDOW, box.outstanding());
    box.drain();
    assertEquals(RuleOutbox.WINDOW, up.sent.size(), "no room, nothing more");

    up.dones.get(0).run(); // one acknowledged: one more goes
    box.drain();
    assertEquals(RuleOutbox.WINDOW + 1, up.sent.size());
    assertEquals(List.of(), dropped);
  }

  @Test
  void aFullQueueDropsTheRulesOldestByCountAndByBytes() {
    Fake up = new Fake();
    up.online = false;
    List<String> dropped = new ArrayList<>();
    // Each queued message weighs its payload + topic + 64 bytes.
    RuleOutbox box = new RuleOutbox(up, 3, 9_200, dropped::add);
    for (int i = 0; i < 5; i++) {
      box.offer("r", msg("t/" + i, new byte[10], 0));
    }
    assertEquals(List.of("r", "r"), dropped, "two oldest over the count");
    assertEquals(3, box.waiting("r"));
    box.offer("r", msg("big", new byte[9_100], 0)); // over the bytes with the others
    assertEquals(1, box.waiting("r"), "the older ones made room for it");
    box.offer("r", msg("huge", new byte[20_000], 0)); // alone over the cap
    assertEquals(0, box.waiting("r"));
    assertEquals(7, dropped.size());
    box.offer("other", msg("o", new byte[1], 0));
    up.online = true;
    box.drain();
    assertEquals(List.of("o"), up.sent, "only the other rule's message was left");
  }

  private static io.edgerule.mqtt.outbox.OutboundMessage msg(
      String topic, byte[] payload, int qos) {
    return new io.edgerule.mqtt.outbox.OutboundMessage(
        topic, payload, qos, false, io.edgerule.mqtt.outbox.MessageClass.RULE_PUBLICATION);
  }
}
