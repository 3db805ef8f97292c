package io.edgerule.mqtt.outbox.internal;

import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxStats;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Per message class: what the store holds (messages, bytes) and what its budget dropped, for space
 * and for age (persisted as counters in the store, so they survive restarts). A commit changes them
 * as it goes; {@link #mark()} and {@link #reset(Mark)} undo that when the commit fails. Not
 * thread-safe: the outbox calls it under its store lock.
 */
public final class ClassTotals {
  private final Map<MessageClass, long[]> queued = new EnumMap<>(MessageClass.class);
  private final Map<MessageClass, long[]> dropped = new EnumMap<>(MessageClass.class);
  private final Set<MessageClass> touched = EnumSet.noneOf(MessageClass.class);

  /** Loads the totals of what is stored and the persisted drop counters. */
  public ClassTotals(SqliteStore store) throws SQLException {
    for (MessageClass c : MessageClass.values()) {
      queued.put(c, new long[2]);
      dropped.put(c, new long[2]);
    }
    store.totals().forEach((c, v) -> queued.put(c, v));
    Map<String, Long> counters = store.counters();
    for (MessageClass c : MessageClass.values()) {
      dropped.get(c)[0] = counters.getOrDefault(spaceKey(c), 0L);
      dropped.get(c)[1] = counters.getOrDefault(ageKey(c), 0L);
    }
  }

  /** Messages stored, over all classes. */
  public long messages() {
    long n = 0;
    for (long[] q : queued.values()) {
      n += q[0];
    }
    return n;
  }

  /** A message was stored; returns how many bytes its class is now over its budget. */
  public long added(MessageClass c, int size, long budgetBytes) {
    long[] q = queued.get(c);
    q[0]++;
    q[1] += size;
    return q[1] - budgetBytes;
  }

  /** Messages left the store (acknowledged, or removed by a budget). */
  public void removed(MessageClass c, long count, long bytes) {
    long[] q = queued.get(c);
    q[0] -= count;
    q[1] -= bytes;
  }

  /** Counts drops of class {@code c} ({@code forAge}: too old, else over its bytes). */
  public void dropped(MessageClass c, boolean forAge, long count) {
    if (count > 0) {
      dropped.get(c)[forAge ? 1 : 0] += count;
      touched.add(c);
    }
  }

  /** Writes the drop counters changed since the last call into the store's transaction. */
  public void persist(SqliteStore store) throws SQLException {
    for (MessageClass c : touched) {
      store.setCounter(spaceKey(c), dropped.get(c)[0]);
      store.setCounter(ageKey(c), dropped.get(c)[1]);
    }
    touched.clear();
  }

  public OutboxStats.ClassStats stats(MessageClass c) {
    long[] q = queued.get(c);
    long[] d = dropped.get(c);
    return new OutboxStats.ClassStats(q[0], q[1], d[0], d[1]);
  }

  /** The totals before a commit. */
  public record Mark(Map<MessageClass, long[]> queued, Map<MessageClass, long[]> dropped) {}

  public Mark mark() {
    return new Mark(copy(queued), copy(dropped));
  }

  /** Back to {@code m}: the commit failed and was rolled back. */
  public void reset(Mark m) {
    m.queued().forEach((k, v) -> System.arraycopy(v, 0, queued.get(k), 0, v.length));
    m.dropped().forEach((k, v) -> System.arraycopy(v, 0, dropped.get(k), 0, v.length));
    touched.addAll(m.dropped().keySet()); // write them again with the next commit
  }

  private static Map<MessageClass, long[]> copy(Map<MessageClass, long[]> m) {
    Map<MessageClass, long[]> c = new EnumMap<>(MessageClass.class);
    m.forEach((k, v) -> c.put(k, v.clone()));
    return c;
  }

  private static String spaceKey(MessageClass c) {
    return "dropped_space." + c;
  }

  private static String ageKey(MessageClass c) {
    return "dropped_age." + c;
  }
}
