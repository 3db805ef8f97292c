package io.edgerule.mqtt.outbox.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.outbox.MessageClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {
  private final List<StoredMessage> store = new ArrayList<>();

  private void add(String topic) {
    store.add(
        new StoredMessage(
            store.size() + 1, topic, new byte[0], 1, false, MessageClass.TELEMETRY, 33, 0));
  }

  private List<StoredMessage> read(long after, long upTo, int limit) {
    return store.stream().filter(m -> m.id() > after && m.id() <= upTo).limit(limit).toList();
  }

  private ReplayPlan plan(double share, int maxHeld) {
    long boundary = store.size();
    Map<String, Long> last = new HashMap<>();
    store.forEach(m -> last.put(m.topic(), m.id()));
    return new ReplayPlan(this::read, boundary, last, share, maxHeld);
  }

  @Test
  void liveOfOtherTopicsInterleavesWithTheBacklogAtItsShare() {
    for (int i = 0; i < 1000; i++) {
      add("old/" + (i % 3));
    }
    ReplayPlan p = plan(0.25, 100);
    for (int i = 0; i < 400; i++) {
      add("live");
    }
    List<StoredMessage> out = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      out.add(p.next());
    }
    long backlogInFirst400 = out.stream().filter(m -> m.id() <= 1000).count();
    assertEquals(100, backlogInFirst400, "a quarter of the contested sends go to the backlog");
    assertTrue(p.replaying(), "backlog left");
    for (StoredMessage m; (m = p.next()) != null; ) {
      out.add(m);
    }
    assertEquals(1400, out.size());
    assertTrue(!p.replaying());
    assertOrderPerTopic(out);
  }

  @Test
  void liveOfATopicWithBacklogWaitsForItsBacklog() {
    for (int i = 0; i < 600; i++) {
      add(i % 2 == 0 ? "a" : "b");
    }
    ReplayPlan p = plan(0.5, 10_000);
    for (int i = 0; i < 300; i++) {
      add(i % 3 == 0 ? "a" : "c");
    }
    List<StoredMessage> out = new ArrayList<>();
    for (StoredMessage m; (m = p.next()) != null; ) {
      out.add(m);
    }
    assertEquals(900, out.size());
    assertOrderPerTopic(out);
    int firstLiveA = -1;
    int lastBacklogA = -1;
    int firstLiveC = -1;
    for (int i = 0; i < out.size(); i++) {
      StoredMessage m = out.get(i);
      if (m.topic().equals("a") && m.id() <= 600) {
        lastBacklogA = i;
      }
      if (m.topic().equals("a") && m.id() > 600 && firstLiveA < 0) {
        firstLiveA = i;
      }
      if (m.topic().equals("c") && firstLiveC < 0) {
        firstLiveC = i;
      }
    }
    assertTrue(firstLiveA > lastBacklogA, "live 'a' after backlog 'a'");
    assertTrue(firstLiveC < 10, "live 'c' is not starved by the backlog: " + firstLiveC);
    assertNull(p.next());
  }

  @Test
  void heldLiveMessagesAreBounded() {
    for (int i = 0; i < 500; i++) {
      add("a");
    }
    ReplayPlan p = plan(0.5, 20);
    for (int i = 0; i < 100; i++) {
      add("a");
    }
    p.next();
    assertTrue(p.held() <= 20, "held " + p.held());
    List<StoredMessage> out = new ArrayList<>();
    for (StoredMessage m; (m = p.next()) != null; ) {
      out.add(m);
      assertTrue(p.held() <= 20);
    }
    assertEquals(599, out.size());
    assertOrderPerTopic(out);
    assertTrue(!p.replaying());
  }

  private static void assertOrderPerTopic(List<StoredMessage> out) {
    Map<String, Long> last = new HashMap<>();
    for (StoredMessage m : out) {
      Long prev = last.put(m.topic(), m.id());
      assertTrue(prev == null || prev < m.id(), m.topic() + ": " + m.id() + " after " + prev);
    }
  }
}
