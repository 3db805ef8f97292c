package io.edgerule.mqtt.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.outbox.Outbox.OutboundMessageWithId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path dir;

  private static OutboundMessage msg(MessageClass c, String topic, String payload) {
    return new OutboundMessage(topic, payload.getBytes(UTF_8), 1, false, c);
  }

  private static String payload(OutboundMessageWithId m) {
    return new String(m.message().payload(), UTF_8);
  }

  @Test
  void keepsAppendOrderAcrossReopen() throws Exception {
    OutboxConfig cfg =
        OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofSeconds(60)));
    try (Outbox o = Outbox.open(cfg)) {
      for (int i = 1; i <= 500; i++) {
        assertEquals(i, o.append(msg(MessageClass.TELEMETRY, "t/" + (i % 7), "m" + i)));
      }
      assertEquals(0, o.durableThrough(), "nothing committed before the interval");
    } // close flushes
    try (Outbox o = Outbox.open(cfg)) {
      assertEquals(500, o.recoveredAtOpen());
      List<OutboundMessageWithId> all = o.snapshot();
      assertEquals(500, all.size());
      for (int i = 0; i < 500; i++) {
        assertEquals(i + 1, all.get(i).id());
        assertEquals("m" + (i + 1), payload(all.get(i)));
        assertEquals("t/" + ((i + 1) % 7), all.get(i).message().topic());
      }
      assertEquals(501, o.append(msg(MessageClass.ALARM, "a", "x")), "ids go on after reopen");
      assertEquals("ok", o.check());
    }
  }

  @Test
  void aFullBufferIsCommittedBeforeTheInterval() throws Exception {
    // The buffer's bound keeps a gateway whose commits fall behind from filling its heap: past
    // 1 MiB the append itself commits, whatever the interval.
    OutboxConfig cfg = OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofHours(1)));
    String kib = "x".repeat(1024);
    try (Outbox o = Outbox.open(cfg)) {
      long id = 0;
      while (o.durableThrough() == 0) {
        id = o.append(msg(MessageClass.TELEMETRY, "t", kib));
        assertTrue(id <= 1024, "still nothing committed after " + id + " messages of 1 KiB");
      }
      assertEquals(id, o.durableThrough(), "the append that filled the buffer committed it");
      assertTrue(id >= 900, "committed after only " + id + " messages of 1 KiB");
    }
  }

  @Test
  void everyMessagePolicyCommitsBeforeAppendReturns() throws Exception {
    try (Outbox o = Outbox.open(OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.everyMessage()))) {
      for (int i = 0; i < 20; i++) {
        long id = o.append(msg(MessageClass.TELEMETRY, "t", "m" + i));
        assertEquals(id, o.durableThrough());
      }
    }
  }

  @Test
  void telemetryOverBudgetDropsOldestFirstAndAlarmsAreKept() throws Exception {
    // each message: payload 8 + topic 3 + 32 bookkeeping = 43 bytes; budget: 10 of them
    OutboxConfig cfg =
        OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofSeconds(60)))
            .withBudget(MessageClass.TELEMETRY, new ClassBudget(430, Duration.ofDays(1)))
            .withBudget(MessageClass.ALARM, new ClassBudget(10_000, Duration.ofDays(7)));
    try (Outbox o = Outbox.open(cfg)) {
      for (int i = 0; i < 5; i++) {
        o.append(msg(MessageClass.ALARM, "a/x", String.format("alarm%03d", i)));
      }
      for (int i = 0; i < 100; i++) {
        o.append(msg(MessageClass.TELEMETRY, "t/x", String.format("tele%04d", i)));
        if (i % 17 == 0) {
          o.flush(); // drops across several commits too
        }
      }
      o.flush();
      List<String> left = o.snapshot().stream().map(OutboxTest::payload).toList();
      List<String> expected = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        expected.add(String.format("alarm%03d", i));
      }
      for (int i = 90; i < 100; i++) {
        expected.add(String.format("tele%04d", i));
      }
      assertEquals(expected, left);
      OutboxStats s = o.stats();
      assertEquals(90, s.of(MessageClass.TELEMETRY).droppedForSpace());
      assertEquals(0, s.of(MessageClass.TELEMETRY).droppedForAge());
      assertEquals(10, s.of(MessageClass.TELEMETRY).queuedMessages());
      assertEquals(430, s.of(MessageClass.TELEMETRY).queuedBytes());
      assertEquals(0, s.of(MessageClass.ALARM).dropped());
      assertEquals(5, s.of(MessageClass.ALARM).queuedMessages());
    }
    try (Outbox o = Outbox.open(cfg)) {
      assertEquals(90, o.stats().of(MessageClass.TELEMETRY).droppedForSpace(), "drops persisted");
      assertEquals(10, o.stats().of(MessageClass.TELEMETRY).queuedMessages(), "totals reloaded");
    }
  }

  @Test
  void alarmsHaveTheirOwnBudget() throws Exception {
    OutboxConfig cfg =
        OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofSeconds(60)))
            .withBudget(MessageClass.ALARM, new ClassBudget(430, Duration.ofDays(7)));
    try (Outbox o = Outbox.open(cfg)) {
      for (int i = 0; i < 12; i++) {
        o.append(msg(MessageClass.ALARM, "a/x", String.format("alarm%03d", i)));
        o.append(msg(MessageClass.TELEMETRY, "t/x", String.format("tele%04d", i)));
      }
      o.flush();
      OutboxStats s = o.stats();
      assertEquals(2, s.of(MessageClass.ALARM).droppedForSpace());
      assertEquals(12, s.of(MessageClass.TELEMETRY).queuedMessages());
      assertEquals(
          "alarm002",
          o.snapshot().stream()
              .filter(m -> m.message().messageClass() == MessageClass.ALARM)
              .map(OutboxTest::payload)
              .findFirst()
              .orElseThrow());
    }
  }

  @Test
  void messagesOlderThanTheirClassAgeAreDroppedAndCounted() throws Exception {
    MutableClock clock = new MutableClock();
    OutboxConfig cfg =
        OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofSeconds(60)))
            .withBudget(MessageClass.TELEMETRY, new ClassBudget(1 << 20, Duration.ofMinutes(10)))
            .withBudget(MessageClass.ALARM, new ClassBudget(1 << 20, Duration.ofDays(7)))
            .withClock(clock);
    try (Outbox o = Outbox.open(cfg)) {
      for (int i = 0; i < 3; i++) {
        o.append(msg(MessageClass.TELEMETRY, "t", "old" + i));
        o.append(msg(MessageClass.ALARM, "a", "alarm" + i));
      }
      o.flush();
      clock.advance(Duration.ofMinutes(11));
      o.append(msg(MessageClass.TELEMETRY, "t", "new"));
      o.flush();
      List<String> left = o.snapshot().stream().map(OutboxTest::payload).toList();
      assertEquals(List.of("alarm0", "alarm1", "alarm2", "new"), left);
      assertEquals(3, o.stats().of(MessageClass.TELEMETRY).droppedForAge());
      assertEquals(0, o.stats().of(MessageClass.ALARM).dropped());
    }
  }

  @Test
  void ackRemovesOnlyOnFlushAndOnlyWhatWasAcked() throws Exception {
    OutboxConfig cfg =
        OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofSeconds(60)));
    try (Outbox o = Outbox.open(cfg)) {
      for (int i = 1; i <= 10; i++) {
        o.append(msg(MessageClass.TELEMETRY, "t", "m" + i));
      }
      o.flush();
      var stored = o.read(0, Long.MAX_VALUE, 100);
      o.ack(stored.get(0));
      o.ack(stored.get(2));
      assertEquals(8, o.read(0, Long.MAX_VALUE, 100).size(), "acked ones are not read again");
      assertEquals(10, o.stats().of(MessageClass.TELEMETRY).queuedMessages());
      o.flush();
      assertEquals(8, o.stats().of(MessageClass.TELEMETRY).queuedMessages());
      o.ack(stored.get(0)); // a second ack of the same message changes nothing
      o.flush();
      assertEquals(8, o.stats().of(MessageClass.TELEMETRY).queuedMessages());
      // m2, m4 .. m9: 2 + 1 + 32 bytes each; m10: 3 + 1 + 32
      assertEquals(7 * 35 + 36, o.stats().of(MessageClass.TELEMETRY).queuedBytes());
    }
    try (Outbox o = Outbox.open(cfg)) {
      List<String> left = o.snapshot().stream().map(OutboxTest::payload).toList();
      assertEquals(List.of("m2", "m4", "m5", "m6", "m7", "m8", "m9", "m10"), left);
      assertTrue(o.durableThrough() >= 10);
    }
  }

  @Test
  void aPageOfAcknowledgedMessagesDoesNotEndTheRange() throws Exception {
    OutboxConfig cfg =
        OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofSeconds(60)));
    try (Outbox o = Outbox.open(cfg)) {
      for (int i = 1; i <= 30; i++) {
        o.append(msg(MessageClass.TELEMETRY, "t", "m" + i));
      }
      o.flush();
      for (var m : o.read(0, Long.MAX_VALUE, 20)) {
        o.ack(m); // acknowledged, not yet flushed
      }
      var page = o.read(0, Long.MAX_VALUE, 10);
      assertEquals(10, page.size());
      assertEquals(21, page.get(0).id());
    }
  }
}
