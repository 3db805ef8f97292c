package io.edgerule.mqtt.outbox;

import io.edgerule.mqtt.outbox.internal.AppendBuffer;
import io.edgerule.mqtt.outbox.internal.AppendSignal;
import io.edgerule.mqtt.outbox.internal.ClassTotals;
import io.edgerule.mqtt.outbox.internal.Committer;
import io.edgerule.mqtt.outbox.internal.DropLedger;
import io.edgerule.mqtt.outbox.internal.SqliteStore;
import io.edgerule.mqtt.outbox.internal.StoredMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
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

  private final OutboxConfig config;
  private final SqliteStore store; // guarded by itself for writes, by readLock for reads
  private final Object readLock = new Object();
  private final AppendSignal appended = new AppendSignal();
  private final AppendBuffer buffer;
  private final Committer committer;
  private final ScheduledExecutorService flusher;
  private final long recovered;
  private volatile boolean closed;
  private volatile Throwable failure;

  private Outbox(OutboxConfig config) throws IOException {
    this.config = config;
    this.store = new SqliteStore(config.file());
    try {
      ClassTotals totals = new ClassTotals(store);
      recovered = totals.messages();
      Map<String, Long> counters = store.counters();
      long last = Math.max(store.maxId(), counters.getOrDefault("last_id", 0L));
      buffer = new AppendBuffer(config.flush(), config.clock(), appended, last);
      committer = new Committer(config, store, readLock, buffer, totals);
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
    AppendBuffer.Appended a = buffer.add(m);
    appended.wake();
    if (a.flushNow()) {
      flush();
    }
    return a.id();
  }

  /** The id of the last message appended (committed or not). */
  public long appendedThrough() {
    return appended.through(); // set under the buffer lock with each append
  }

  /** Every message with an id up to this is committed to disk. */
  public long durableThrough() {
    return buffer.durableThrough();
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
    buffer.ack(m);
  }

  /**
   * The forwarder starts sending again from the oldest message, after everything it sent before has
   * settled (or it stops): what it had read, a budget removed and the broker never acknowledged now
   * counts as dropped ({@link DropLedger}).
   */
  void roundStarted() {
    buffer.roundEnded();
  }

  /**
   * Writes buffered appends and acknowledgements in one transaction, then drops what exceeds a
   * class's budget, oldest first.
   *
   * @throws UncheckedIOException when the disk write failed
   */
  public void flush() {
    committer.flush();
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
      long durable = buffer.durableThrough();
      if (after < durable) {
        List<StoredMessage> committedPage = read(after, Math.min(upTo, durable), limit);
        if (!committedPage.isEmpty() || upTo <= durable) {
          return committedPage;
        }
      }
      List<StoredMessage> uncommitted = buffer.readUncommitted(after, upTo, limit, durable);
      if (uncommitted != null) {
        return uncommitted;
      } // else a commit moved messages from memory to the file: read the file again
    }
  }

  /**
   * Committed messages with {@code after < id <= upTo}, in order, skipping acknowledged ones: the
   * forwarder's read (it may send each of them, which decides whether a budget's removal of one is
   * a drop).
   */
  List<StoredMessage> read(long after, long upTo, int limit) {
    synchronized (readLock) { // read and marked in one go: see Committer.flush()
      List<StoredMessage> page = peek(after, upTo, limit);
      buffer.handedOut(page);
      return page;
    }
  }

  /** {@link #read} for looking only (nothing of it will be sent). */
  private List<StoredMessage> peek(long after, long upTo, int limit) {
    LongPredicate skip = buffer::acknowledgedUncommitted;
    synchronized (readLock) {
      try {
        return store.read(after, Math.min(upTo, buffer.durableThrough()), limit, skip);
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
    return new OutboxStats(Map.copyOf(committer.stats()), buffer.durableThrough());
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
    synchronized (store) { // the order of a flush: store, then readLock
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
