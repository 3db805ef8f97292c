package io.edgerule.mqtt.outbox.internal;

import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxConfig;
import io.edgerule.mqtt.outbox.OutboxStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Commits what the {@link AppendBuffer} holds to the {@link SqliteStore} in one transaction per
 * flush (appends, acknowledgements, the drop counters) and applies each class's budget: over its
 * bytes, its oldest messages are dropped; older than its age (checked about once a second), they
 * are dropped too; what counts as a drop is decided by the buffer's {@link DropLedger}.
 *
 * <p>Locks, always in this order: the store (one flush at a time, and {@link ClassTotals}), then
 * {@code readLock} (shared with the outbox's reads of the file), then the buffer.
 */
public final class Committer {
  private static final long EXPIRY_PERIOD_MS = 1000;

  private final OutboxConfig config;
  private final SqliteStore store;
  private final Object readLock;
  private final AppendBuffer buffer;
  private final ClassTotals totals; // guarded by store
  private long lastExpiry; // guarded by store

  public Committer(
      OutboxConfig config,
      SqliteStore store,
      Object readLock,
      AppendBuffer buffer,
      ClassTotals totals) {
    this.config = config;
    this.store = store;
    this.readLock = readLock;
    this.buffer = buffer;
    this.totals = totals;
  }

  /**
   * Writes buffered appends and acknowledgements in one transaction, then drops what exceeds a
   * class's budget, oldest first.
   *
   * @throws UncheckedIOException when the disk write failed (everything stays buffered)
   */
  public void flush() {
    synchronized (store) {
      AppendBuffer.Flush f = buffer.startFlush();
      long now = config.clock().millis();
      boolean expire = now - lastExpiry >= EXPIRY_PERIOD_MS;
      Map<MessageClass, long[]> settled = buffer.takeSettled();
      if (f.empty() && !expire && settled.isEmpty()) {
        return;
      }
      // Under readLock as well: a read of the store and the marking of what it read as handed out
      // (DropLedger) happen either before this transaction's budget removals or after its commit.
      // Otherwise a read from the last commit could hand out a message this flush has just removed
      // and counted as dropped, and it would arrive all the same. The forwarder reads the file only
      // for a backlog: live messages come from memory (readToSend), so it rarely waits here.
      synchronized (readLock) {
        transact(f, now, expire, settled);
      }
    }
  }

  private void transact(
      AppendBuffer.Flush f, long now, boolean expire, Map<MessageClass, long[]> settled) {
    ClassTotals.Mark before = totals.mark();
    List<long[]> removed = new ArrayList<>();
    try {
      for (StoredMessage m : store.deleteAcked(f.toDelete())) {
        totals.removed(m.messageClass(), 1, m.size());
      }
      for (StoredMessage m : f.toInsert()) {
        store.insert(m);
        MessageClass c = m.messageClass();
        long over = totals.added(c, m.size(), config.budget(c).maxBytes());
        if (over > 0) {
          removed.add(drop(store.dropOldest(c, over), c, DropLedger.Reason.SPACE));
        }
      }
      if (expire) {
        lastExpiry = now;
        for (MessageClass c : MessageClass.values()) {
          long cutoff = now - config.budget(c).maxAge().toMillis();
          removed.add(drop(store.dropOlderThan(c, cutoff), c, DropLedger.Reason.AGE));
        }
      }
      settled.forEach(
          (c, n) -> {
            totals.dropped(c, false, n[0]);
            totals.dropped(c, true, n[1]);
          });
      totals.persist(store);
      if (!f.toWrite().isEmpty()) {
        store.setCounter("last_id", f.writtenThrough());
      }
      store.commit();
    } catch (SQLException e) {
      store.rollback();
      totals.reset(before);
      buffer.failed(f, removed, settled); // kept for the next attempt, in order
      throw new UncheckedIOException(
          new IOException("outbox " + config.file() + ": " + e.getMessage(), e));
    }
    buffer.committed(f);
  }

  /**
   * Books messages a budget removed: they leave the class's totals, and those that count as dropped
   * now ({@link DropLedger}) are counted. Returns their ids.
   */
  private long[] drop(SqliteStore.Removal d, MessageClass c, DropLedger.Reason reason) {
    totals.removed(c, d.count(), d.bytes());
    long n = buffer.removed(d.ids(), c, reason);
    totals.dropped(c, reason == DropLedger.Reason.AGE, n);
    return d.ids();
  }

  /** Per class: what is stored and what its budget dropped. */
  public Map<MessageClass, OutboxStats.ClassStats> stats() {
    Map<MessageClass, OutboxStats.ClassStats> m = new EnumMap<>(MessageClass.class);
    synchronized (store) {
      for (MessageClass c : MessageClass.values()) {
        m.put(c, totals.stats(c));
      }
    }
    return m;
  }
}
