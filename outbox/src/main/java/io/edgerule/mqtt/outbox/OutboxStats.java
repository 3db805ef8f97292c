package io.edgerule.mqtt.outbox;

import java.util.Map;

/**
 * A snapshot for the state message: per class, what is queued on disk and what was dropped since
 * the store was created (drop counters are persisted with the messages).
 */
public record OutboxStats(Map<MessageClass, ClassStats> classes, long durableThrough) {

  public record ClassStats(
      long queuedMessages, long queuedBytes, long droppedForSpace, long droppedForAge) {
    public long dropped() {
      return droppedForSpace + droppedForAge;
    }
  }

  public ClassStats of(MessageClass c) {
    return classes.get(c);
  }
}
