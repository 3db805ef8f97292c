package io.edgerule.mqtt.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.mqtt.outbox.internal.StoredMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class's drop counter counts exactly the messages its budget removed that the broker never
 * acknowledged. The oldest message is also the next to go out, so the budget often removes one the
 * forwarder has already read or sent: when that one is acknowledged afterwards, it arrived and is
 * not a drop. Each case is forced in order here, with the forwarder's calls made by hand.
 */
class OutboxDropCountTest {
  @TempDir Path dir;

  // each message: payload 8 + topic 3 + 32 bookkeeping = 43 bytes; budget: 10 of them
  private OutboxConfig config(MutableClock clock) {
    return OutboxConfig.of(dir.resolve("o.db"), FlushPolicy.every(Duration.ofSeconds(60)))
        .withBudget(MessageClass.TELEMETRY, new ClassBudget(430, Duration.ofMinutes(10)))
        .withClock(clock);
  }

  private static OutboundMessage msg(int i) {
    return new OutboundMessage(
        "t/x", String.format("tele%04d", i).getBytes(UTF_8), 1, false, MessageClass.TELEMETRY);
  }

  private static void append(Outbox o, int from, int to) {
    for (int i = from; i < to; i++) {
      o.append(msg(i));
    }
    o.flush();
  }

  private static long droppedForSpace(Outbox o) {
    return o.stats().of(MessageClass.TELEMETRY).droppedForSpace();
  }

  @Test
  void onlyMessagesNeverAcknowledgedCountAsDroppedForSpace() throws Exception {
    MutableClock clock = new MutableClock();
    try (Outbox o = Outbox.open(config(clock))) {
      append(o, 0, 10); // ids 1..10, the budget is full
      List<StoredMessage> read = o.read(0, Long.MAX_VALUE, 5); // the forwarder reads ids 1..5
      assertEquals(5, read.size());
      o.ack(read.get(0)); // id 1 acknowledged, its removal not committed yet

      append(o, 10, 13); // the budget removes ids 1, 2, 3
      assertEquals(
          0, droppedForSpace(o), "1 was acknowledged; 2 and 3 are read and may still arrive");

      o.ack(read.get(1)); // id 2 arrived after its removal: not a drop
      o.roundStarted(); // the round ended: id 3 was never acknowledged
      o.flush();
      assertEquals(1, droppedForSpace(o), "id 3 only");

      append(o, 13, 18); // removes ids 4..8: 4 and 5 were read in the ended round, 6..8 never
      assertEquals(6, droppedForSpace(o), "id 3, and 4..8 which nothing will send");
      assertEquals(10, o.stats().of(MessageClass.TELEMETRY).queuedMessages());

      List<StoredMessage> next = o.read(0, Long.MAX_VALUE, 3); // a new round reads 9, 10, 11
      assertEquals(9, next.get(0).id());
      append(o, 18, 21); // removes 9, 10, 11 while they are out
      o.ack(next.get(0));
      o.ack(next.get(2));
      o.flush();
      assertEquals(6, droppedForSpace(o), "not settled yet");
    } // close: what was out and not acknowledged (id 10) is a drop
    try (Outbox o = Outbox.open(config(clock))) {
      assertEquals(7, droppedForSpace(o), "persisted, exactly ids 3..8 and 10");
    }
  }

  @Test
  void aMessageTooOldButAcknowledgedLaterIsNotDroppedForAge() throws Exception {
    MutableClock clock = new MutableClock();
    try (Outbox o = Outbox.open(config(clock))) {
      append(o, 0, 3);
      List<StoredMessage> read = o.read(0, Long.MAX_VALUE, 2); // ids 1 and 2 go out
      clock.advance(Duration.ofMinutes(11));
      o.append(msg(3));
      o.flush(); // ids 1..3 are too old
      o.ack(read.get(0));
      o.roundStarted(); // id 2 was never acknowledged
      o.flush();
      assertEquals(2, o.stats().of(MessageClass.TELEMETRY).droppedForAge(), "ids 2 and 3");
      assertEquals(0, droppedForSpace(o));
    }
  }
}
