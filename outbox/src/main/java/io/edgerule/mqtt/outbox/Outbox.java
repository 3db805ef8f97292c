package io.edgerule.mqtt.outbox;

import io.edgerule.mqtt.outbox.internal.SqliteStore;
import io.edgerule.mqtt.outbox.internal.StoredMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
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
  private final Set<Long> ackedIds = new HashSet<>(); // guarded by buffer
  private long pendingBytes; // guarded by buffer
  private long nextId; // guarded by buffer

  // guarded by store
  private final Map<MessageClass, long[]> queued = new EnumMap<>(MessageClass.class);
  private final Map<MessageClass, long[]> dropped = new EnumMap<>(MessageClass.class);
  private long lastExpiry;
  private volatile long durableThrough;
  private final long recovered;
  private volatile boolean closed;
  private volatile Throwable failure;
  private final Object committed = new Object();

  private Outbox(OutboxConfig config) throws IOException {
    this.config = config;
    this.store = new SqliteStore(config.file());
    try {
      for (MessageClass c : MessageClass.values()) {
        queued.put(c, new long[2]);
        dropped.put(c, new long[2]);
      }
      long count = 0;
      for (Map.Entry<MessageClass, long[]> e : store.totals().entrySet()) {
        queued.put(e.getKey(), e.getValue());
        count += e.getValue()[0];
      }
      recovered = count;
      Map<String, Long> counters = store.counters();
      for (MessageClass c : MessageClass.values()) {
        dropped.get(c)[0] = counters.getOrDefault("dropped_space." + c, 0L);
        dropped.get(c)[1] = counters.getOrDefault("dropped_age." + c, 0L);
      }
      long last = Math.max(store.maxId(), counters.getOrDefault("last_id", 0L));
      nextId = last + 1;
      durableThrough = last;
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
      flushNow = config.flush().eachMessage() || pendingBytes >= config.flush().maxBufferedBytes();
    }
    if (flushNow) {
      flush();
    }
    return id;
  }

  /** Every message with an id up to this is committed to disk. */
  public long durableThrough() {
    return durableThrough;
  }

  /** Messages found on disk when the outbox was opened (sent before a crash, perhaps). */
  public long recoveredAtOpen() {
    return recovered;
  }

  /** Removes a message the broker acknowledged (committed with the next flush). */
  void ack(StoredMessage m) {
    synchronized (buffer) {
      acks.add(m);
      ackedIds.add(m.id());
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
      long writtenThrough;
      synchronized (buffer) {
        toWrite = pending;
        toAck = acks;
        pending = new ArrayList<>();
        acks = new ArrayList<>();
        pendingBytes = 0;
        writtenThrough = nextId - 1;
      }
      long now = config.clock().millis();
      boolean expire = now - lastExpiry >= EXPIRY_PERIOD_MS;
      if (toWrite.isEmpty() && toAck.isEmpty() && !expire) {
        return;
      }
      Map<MessageClass, long[]> before = copy(queued);
      Map<MessageClass, long[]> droppedBefore = copy(dropped);
      try {
        for (StoredMessage m : store.deleteAcked(toAck)) {
          long[] q = queued.get(m.messageClass());
          q[0]--;
          q[1] -= m.size();
        }
        Set<MessageClass> touched = EnumSet.noneOf(MessageClass.class);
        for (StoredMessage m : toWrite) {
          store.insert(m);
          long[] q = queued.get(m.messageClass());
          q[0]++;
          q[1] += m.size();
          long over = q[1] - config.budget(m.messageClass()).maxBytes();
          if (over > 0) {
            long[] d = store.dropOldest(m.messageClass(), over);
            q[0] -= d[0];
            q[1] -= d[1];
            dropped.get(m.messageClass())[0] += d[0];
            touched.add(m.messageClass());
          }
        }
        if (expire) {
          lastExpiry = now;
          for (MessageClass c : MessageClass.values()) {
            long[] d = store.dropOlderThan(c, now - config.budget(c).maxAge().toMillis());
            if (d[0] > 0) {
              long[] q = queued.get(c);
              q[0] -= d[0];
              q[1] -= d[1];
              dropped.get(c)[1] += d[0];
              touched.add(c);
            }
          }
        }
        for (MessageClass c : touched) {
          store.setCounter("dropped_space." + c, dropped.get(c)[0]);
          store.setCounter("dropped_age." + c, dropped.get(c)[1]);
        }
        if (!toWrite.isEmpty()) {
          store.setCounter("last_id", writtenThrough);
        }
        store.commit();
      } catch (SQLException e) {
        store.rollback();
        restore(queued, before);
        restore(dropped, droppedBefore);
        synchronized (buffer) { // keep them for the next attempt, in order
          toWrite.addAll(pending);
          pending = toWrite;
          toAck.addAll(acks);
          acks = toAck;
        }
        throw new UncheckedIOException(
            new IOException("outbox " + config.file() + ": " + e.getMessage(), e));
      }
      synchronized (buffer) {
        for (StoredMessage m : toAck) {
          ackedIds.remove(m.id());
        }
      }
      if (!toWrite.isEmpty()) {
        durableThrough = writtenThrough;
        synchronized (committed) {
          committed.notifyAll();
        }
      }
    }
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

  /** Waits up to {@code timeoutMillis} for a commit beyond {@code id}. */
  boolean awaitDurableAfter(long id, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (committed) {
      while (durableThrough <= id && !closed) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        committed.wait(left);
      }
    }
    return durableThrough > id;
  }

  /** Committed messages with {@code after < id <= upTo}, in order, skipping acknowledged ones. */
  List<StoredMessage> read(long after, long upTo, int limit) {
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
      List<StoredMessage> page = read(after, Long.MAX_VALUE, 1000);
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
        long[] q = queued.get(c);
        long[] d = dropped.get(c);
        m.put(c, new OutboxStats.ClassStats(q[0], q[1], d[0], d[1]));
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
    try {
      flush();
    } finally {
      closed = true;
      synchronized (committed) {
        committed.notifyAll();
      }
      closeQuietly();
    }
  }

  private void closeQuietly() {
    synchronized (readLock) {
      closeStore();
    }
  }

  private void closeStore() {
    synchronized (store) {
      try {
        store.close();
      } catch (SQLException e) {
        log.warn("outbox {}: close: {}", config.file(), e.getMessage());
      }
    }
  }

  private static Map<MessageClass, long[]> copy(Map<MessageClass, long[]> m) {
    Map<MessageClass, long[]> c = new EnumMap<>(MessageClass.class);
    m.forEach((k, v) -> c.put(k, v.clone()));
    return c;
  }

  private static void restore(Map<MessageClass, long[]> target, Map<MessageClass, long[]> saved) {
    saved.forEach((k, v) -> System.arraycopy(v, 0, target.get(k), 0, v.length));
  }
}
