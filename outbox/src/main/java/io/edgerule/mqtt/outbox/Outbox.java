package io.edgerule.mqtt.outbox;

import io.edgerule.mqtt.outbox.internal.AppendSignal;
import io.edgerule.mqtt.outbox.internal.ClassTotals;
import io.edgerule.mqtt.outbox.internal.DropLedger;
import io.edgerule.mqtt.outbox.internal.Pages;
import io.edgerule.mqtt.outbox.internal.SqliteStore;
import io.edgerule.mqtt.outbox.internal.StoredMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk-backed queue of outbound messages. Messages keep the order of {@link #append}; one is
 * removed only when {@link #ack acknowledged} (or dropped by its class's {@link ClassBudget}, which
 * is counted). Thread-safe: producers append from any thread; a {@link Forwarder} reads and acks.
 *
 * <p>The forwarder may send a message before it is committed ({@link #readToSend}): waiting for the
 * commit would put the flush interval under every message's latency. Sending early loses nothing: a
 * message not yet acknowledged is committed with the next flush as before (so a crash loses at most
 * what the flush policy allows), and one acknowledged before its commit has reached the broker, so
 * the flush does not write it at all (which also saves the disk most of the work when the broker
 * keeps up).
 */
public final class Outbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private static final long EXPIRY_PERIOD_MS = 1000;

  private final OutboxConfig config;
  private final SqliteStore store; // guarded by itself for writes, by readLock for reads
  private final Object readLock = new Object();
  private final ScheduledExecutorService flusher;

  private final Object buffer = new Object();
  private List<StoredMessage> pending = new ArrayList<>(); // guarded by buffer
  private List<StoredMessage> acks = new ArrayList<>(); // guarded by buffer
  // The appends the flush under way is committing, readable by the forwarder until the commit.
  private List<StoredMessage> flushing = List.of(); // guarded by buffer
  // Of those, the ones the flush's budget removed: no longer to be sent (they may count as
  // dropped).
  private final Set<Long> removedInFlush = new HashSet<>(); // guarded by buffer
  private final AppendSignal appended = new AppendSignal();
  private final Set<Long> ackedIds = new HashSet<>(); // guarded by buffer
  private final DropLedger ledger = new DropLedger(); // guarded by buffer
  private long pendingBytes; // guarded by buffer
  private long nextId; // guarded by buffer

  private final ClassTotals totals; // guarded by store
  private long lastExpiry; // guarded by store
  private volatile long durableThrough;
  private final long recovered;
  private volatile boolean closed;
  private volatile Throwable failure;

  private Outbox(OutboxConfig config) throws IOException {
    this.config = config;
    this.store = new SqliteStore(config.file());
    try {
      totals = new ClassTotals(store);
      recovered = totals.messages();
      Map<String, Long> counters = store.counters();
      long last = Math.max(store.maxId(), counters.getOrDefault("last_id", 0L));
      nextId = last + 1;
      durableThrough = last;
      appended.set(last);
    } catch (SQLException e) {
      closeQuietly();
      throw new IOException("outbox " + config.file() + ": " + e.getMessage(), e);
    }
    flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "outbox-flush");
              t.setDaemon(true);
              return t;
            });
    long every = config.flush().interval().toMillis();
    flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /** Opens (or creates) the outbox file; messages left from an earlier run are kept. */
  public static Outbox open(OutboxConfig config) throws IOException {
    return new Outbox(config);
  }

  public OutboxConfig config() {
    return config;
  }

  /**
   * Accepts a message and returns its id (ids grow with every append). With {@link
   * FlushPolicy#everyMessage()} the message is on disk when this returns; otherwise it is once
   * {@link #durableThrough()} reaches the id.
   *
   * @throws UncheckedIOException when an each-message commit failed: the message is not durable
   *     yet, stays buffered and the next flush tries again
   */
  public long append(OutboundMessage m) {
    if (closed) {
      throw new IllegalStateException("outbox " + config.file() + " is closed");
    }
    long id;
    boolean flushNow;
    synchronized (buffer) {
      id = nextId++;
      StoredMessage s =
          new StoredMessage(
              id,
              m.topic(),
              m.payload(),
              m.qos(),
              m.retain(),
              m.messageClass(),
              m.size(),
              config.clock().millis());
      pending.add(s);
      pendingBytes += s.size();
      appended.set(id);
      flushNow = config.flush().eachMessage() || pendingBytes >= config.flush().maxBufferedBytes();
    }
    appended.wake();
    if (flushNow) {
      flush();
    }
    return id;
  }

  /** The id of the last message appended (committed or not). */
  public long appendedThrough() {
    return appended.through(); // set under the buffer lock with each append
  }

  /** Every message with an id up to this is committed to disk. */
  public long durableThrough() {
    return durableThrough;
  }

  /** Messages found on disk when the outbox was opened (sent before a crash, perhaps). */
  public long recoveredAtOpen() {
    return recovered;
  }

  /**
   * Until the returned hold is closed, this thread's appends do not wake the forwarder; closing it
   * wakes it once (for a producer appending many messages in a row: one wake-up instead of one per
   * message). Close it in a {@code finally}: without a wake-up the forwarder looks only every 100
   * ms.
   */
  public WakeupHold holdWakeups() {
    appended.hold();
    return appended::release;
  }

  /** A {@link #holdWakeups()} hold. */
  public interface WakeupHold extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Removes a message the broker acknowledged (committed with the next flush; a message
   * acknowledged before its commit is never written).
   */
  void ack(StoredMessage m) {
    synchronized (buffer) {
      acks.add(m);
      ackedIds.add(m.id());
      ledger.acknowledged(m.id());
    }
  }

  /**
   * The forwarder starts sending again from the oldest message, after everything it sent before has
   * settled (or it stops): what it had read, a budget removed and the broker never acknowledged now
   * counts as dropped ({@link DropLedger}).
   */
  void roundStarted() {
    synchronized (buffer) {
      ledger.roundEnded();
    }
  }

  /**
   * Writes buffered appends and acknowledgements in one transaction, then drops what exceeds a
   * class's budget, oldest first.
   *
   * @throws UncheckedIOException when the disk write failed
   */
  public void flush() {
    synchronized (store) {
      List<StoredMessage> toWrite;
      List<StoredMessage> toAck;
      List<StoredMessage> toInsert;
      List<StoredMessage> toDelete;
      long writtenThrough;
      synchronized (buffer) {
        toWrite = pending;
        toAck = acks;
        pending = new ArrayList<>();
        acks = new ArrayList<>();
        pendingBytes = 0;
        writtenThrough = nextId - 1;
        flushing = toWrite;
        // An acknowledged message is either committed (id <= durableThrough: delete it) or among
        // the appends this flush commits (do not write it).
        toInsert = toWrite;
        toDelete = toAck;
        if (!toAck.isEmpty() && !toWrite.isEmpty()) {
          toDelete = new ArrayList<>(toAck.size());
          for (StoredMessage m : toAck) {
            if (m.id() <= durableThrough) {
              toDelete.add(m);
            }
          }
          toInsert = new ArrayList<>(toWrite.size());
          for (StoredMessage m : toWrite) {
            if (!ackedIds.contains(m.id())) {
              toInsert.add(m);
            }
          }
        }
      }
      long now = config.clock().millis();
      boolean expire = now - lastExpiry >= EXPIRY_PERIOD_MS;
      Map<MessageClass, long[]> settled;
      synchronized (buffer) {
        settled = ledger.takeSettled();
      }
      if (toWrite.isEmpty() && toAck.isEmpty() && !expire && settled.isEmpty()) {
        return;
      }
      // Under readLock as well: a read of the store and the marking of what it read as handed out
      // (DropLedger) happen either before this transaction's budget removals or after its commit.
      // Otherwise a read from the last commit could hand out a message this flush has just removed
      // and counted as dropped, and it would arrive all the same. The forwarder reads the file only
      // for a backlog: live messages come from memory (readToSend), so it rarely waits here.
      synchronized (readLock) {
        transact(toWrite, toAck, toInsert, toDelete, writtenThrough, now, expire, settled);
      }
    }
  }

  private void transact(
      List<StoredMessage> toWrite,
      List<StoredMessage> toAck,
      List<StoredMessage> toInsert,
      List<StoredMessage> toDelete,
      long writtenThrough,
      long now,
      boolean expire,
      Map<MessageClass, long[]> settled) {
    ClassTotals.Mark before = totals.mark();
    List<long[]> removed = new ArrayList<>();
    try {
      for (StoredMessage m : store.deleteAcked(toDelete)) {
        totals.removed(m.messageClass(), 1, m.size());
      }
      for (StoredMessage m : toInsert) {
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
      if (!toWrite.isEmpty()) {
        store.setCounter("last_id", writtenThrough);
      }
      store.commit();
    } catch (SQLException e) {
      store.rollback();
      totals.reset(before);
      synchronized (buffer) { // keep them for the next attempt, in order
        for (long[] ids : removed) {
          for (long id : ids) {
            ledger.removalUndone(id);
          }
        }
        ledger.restoreSettled(settled);
        toWrite.addAll(pending);
        pending = toWrite;
        toAck.addAll(acks);
        acks = toAck;
        flushing = List.of();
        removedInFlush.clear();
      }
      throw new UncheckedIOException(
          new IOException("outbox " + config.file() + ": " + e.getMessage(), e));
    }
    synchronized (buffer) {
      for (StoredMessage m : toAck) {
        ackedIds.remove(m.id());
      }
      flushing = List.of();
      removedInFlush.clear();
      if (!toWrite.isEmpty()) {
        durableThrough = writtenThrough; // with flushing cleared: readToSend sees one or the other
      }
    }
  }

  /**
   * Books messages a budget removed: they leave the class's totals, and those that count as dropped
   * now ({@link DropLedger}) are counted. Returns their ids.
   */
  private long[] drop(SqliteStore.Removal d, MessageClass c, DropLedger.Reason reason) {
    totals.removed(c, d.count(), d.bytes());
    long n = 0;
    synchronized (buffer) {
      for (long id : d.ids()) {
        if (ledger.removed(id, c, reason, ackedIds.contains(id))) {
          n++;
        }
        if (id > durableThrough) { // still readable in flushing until the commit
          removedInFlush.add(id);
        }
      }
    }
    totals.dropped(c, reason == DropLedger.Reason.AGE, n);
    return d.ids();
  }

  private void flushQuietly() {
    try {
      flush();
      failure = null;
    } catch (RuntimeException e) {
      if (failure == null) {
        log.warn("outbox {}: flush failed (will retry): {}", config.file(), e.getMessage());
      }
      failure = e;
    }
  }

  /**
   * Waits up to {@code timeoutMillis} for an append beyond {@code id}; one waiter at a time (the
   * forwarder's thread).
   */
  void awaitAppendedAfter(long id, long timeoutMillis) throws InterruptedException {
    appended.awaitAfter(id, timeoutMillis);
  }

  /**
   * Messages to send with {@code after < id <= upTo}, in order, skipping acknowledged ones: the
   * committed ones first, then those appended and not yet committed. A page comes from one of the
   * two; empty only when neither has another message in the range.
   */
  List<StoredMessage> readToSend(long after, long upTo, int limit) {
    while (true) {
      long durable = durableThrough;
      if (after < durable) {
        List<StoredMessage> committedPage = read(after, Math.min(upTo, durable), limit);
        if (!committedPage.isEmpty() || upTo <= durable) {
          return committedPage;
        }
      }
      synchronized (buffer) {
        if (durableThrough != durable) {
          continue; // a commit moved messages from memory to the file: read the file again
        }
        long from = Math.max(after, durable);
        List<StoredMessage> out = new ArrayList<>();
        Pages.collect(flushing, from, upTo, limit, ackedIds, removedInFlush, out);
        Pages.collect(pending, from, upTo, limit, ackedIds, Set.of(), out);
        for (StoredMessage m : out) {
          ledger.handedOut(m.id()); // as read() does: a budget may remove it once committed
        }
        return out;
      }
    }
  }

  /**
   * Committed messages with {@code after < id <= upTo}, in order, skipping acknowledged ones: the
   * forwarder's read (it may send each of them, which decides whether a budget's removal of one is
   * a drop).
   */
  List<StoredMessage> read(long after, long upTo, int limit) {
    synchronized (readLock) { // read and marked in one go: see flush()
      List<StoredMessage> page = peek(after, upTo, limit);
      synchronized (buffer) {
        for (StoredMessage m : page) {
          if (!ackedIds.contains(m.id())) {
            ledger.handedOut(m.id());
          }
        }
      }
      return page;
    }
  }

  /** {@link #read} for looking only (nothing of it will be sent). */
  private List<StoredMessage> peek(long after, long upTo, int limit) {
    Set<Long> skip;
    synchronized (buffer) {
      skip = ackedIds.isEmpty() ? Set.of() : new HashSet<>(ackedIds);
    }
    synchronized (readLock) {
      try {
        return store.read(after, Math.min(upTo, durableThrough), limit, skip);
      } catch (SQLException e) {
        throw new UncheckedIOException(new IOException("outbox read: " + e.getMessage(), e));
      }
    }
  }

  /** For each topic with committed messages up to {@code upTo}: its last id. */
  Map<String, Long> lastIdPerTopic(long upTo) {
    synchronized (readLock) {
      try {
        return store.lastIdPerTopic(upTo);
      } catch (SQLException e) {
        throw new UncheckedIOException(new IOException("outbox read: " + e.getMessage(), e));
      }
    }
  }

  /** Everything committed, in order (for tests and tools; the forwarder reads in pages). */
  public List<OutboundMessageWithId> snapshot() {
    List<OutboundMessageWithId> out = new ArrayList<>();
    long after = 0;
    while (true) {
      List<StoredMessage> page = peek(after, Long.MAX_VALUE, 1000);
      if (page.isEmpty()) {
        return out;
      }
      for (StoredMessage s : page) {
        out.add(
            new OutboundMessageWithId(
                s.id(),
                new OutboundMessage(
                    s.topic(), s.payload(), s.qos(), s.retain(), s.messageClass())));
      }
      after = page.get(page.size() - 1).id();
    }
  }

  /** A stored message and its id. */
  public record OutboundMessageWithId(long id, OutboundMessage message) {}

  /** SQLite's {@code PRAGMA quick_check} on the file: "ok" when it is sound. */
  public String check() {
    synchronized (store) {
      try {
        return store.quickCheck();
      } catch (SQLException e) {
        return e.getMessage();
      }
    }
  }

  public OutboxStats stats() {
    Map<MessageClass, OutboxStats.ClassStats> m = new EnumMap<>(MessageClass.class);
    synchronized (store) {
      for (MessageClass c : MessageClass.values()) {
        m.put(c, totals.stats(c));
      }
    }
    return new OutboxStats(Map.copyOf(m), durableThrough);
  }

  /** Flushes what is buffered and closes the file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    flusher.shutdown();
    try {
      flusher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    roundStarted(); // nothing sent from now on is acknowledged here
    try {
      flush();
    } finally {
      closed = true;
      appended.close();
      closeQuietly();
    }
  }

  private void closeQuietly() {
    synchronized (store) { // the order of flush(): store, then readLock
      synchronized (readLock) {
        try {
          store.close();
        } catch (SQLException e) {
          log.warn("outbox {}: close: {}", config.file(), e.getMessage());
        }
      }
    }
  }
}
