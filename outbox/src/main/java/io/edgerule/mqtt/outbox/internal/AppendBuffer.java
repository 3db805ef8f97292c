package io.edgerule.mqtt.outbox.internal;

import io.edgerule.mqtt.outbox.FlushPolicy;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the outbox holds in memory between two commits, under one lock (this object's monitor): the
 * appends not committed yet (then, while a flush commits them, readable as {@code flushing} until
 * the commit), the acknowledgements not committed yet and their ids, the {@link DropLedger}, and
 * how far the file is committed ({@link #durableThrough()}).
 *
 * <p>A flush takes what is buffered ({@link #startFlush()}) and ends with {@link #committed} or
 * {@link #failed}; the forwarder reads what is not committed yet from here ({@link
 * #readUncommitted}).
 */
public final class AppendBuffer {
  private final FlushPolicy policy;
  private final Clock clock;
  private final AppendSignal appended;

  private List<StoredMessage> pending = new ArrayList<>();
  private List<StoredMessage> acks = new ArrayList<>();
  // The appends the flush under way is committing, readable by the forwarder until the commit.
  private List<StoredMessage> flushing = List.of();
  // Of those, the ones the flush's budget removed: no longer to be sent (they may count as
  // dropped).
  private final Set<Long> removedInFlush = new HashSet<>();
  private final Set<Long> ackedIds = new HashSet<>();
  private final DropLedger ledger = new DropLedger();
  private long pendingBytes;
  private long nextId;
  private volatile long durableThrough; // written under this lock

  /**
   * @param lastId the last id committed by an earlier run (0 for a new file)
   * @param appended told of every append's id, under this lock, so ids only grow
   */
  public AppendBuffer(FlushPolicy policy, Clock clock, AppendSignal appended, long lastId) {
    this.policy = policy;
    this.clock = clock;
    this.appended = appended;
    this.nextId = lastId + 1;
    this.durableThrough = lastId;
    appended.set(lastId);
  }

  /**
   * A message was buffered under {@code id}; {@code flushNow}: the flush policy wants it committed
   * in the appending thread (each message, or the buffer is full).
   */
  public record Appended(long id, boolean flushNow) {}

  /** Buffers {@code m} under the next id. */
  public synchronized Appended add(OutboundMessage m) {
    long id = nextId++;
    StoredMessage s =
        new StoredMessage(
            id,
            m.topic(),
            m.payload(),
            m.qos(),
            m.retain(),
            m.messageClass(),
            m.size(),
            clock.millis());
    pending.add(s);
    pendingBytes += s.size();
    appended.set(id);
    return new Appended(id, policy.eachMessage() || pendingBytes >= policy.maxBufferedBytes());
  }

  /** Every message with an id up to this is committed to disk. */
  public long durableThrough() {
    return durableThrough;
  }

  /** The broker acknowledged {@code m}: removed with the next commit (never written if not yet). */
  public synchronized void ack(StoredMessage m) {
    acks.add(m);
    ackedIds.add(m.id());
    ledger.acknowledged(m.id());
  }

  /** The forwarder starts a new round or stops ({@link DropLedger#roundEnded()}). */
  public synchronized void roundEnded() {
    ledger.roundEnded();
  }

  /**
   * What one flush commits: {@code toWrite} the appends it takes (through {@code writtenThrough}),
   * {@code toAck} the acknowledgements; of them {@code toInsert} the appends not acknowledged
   * already, {@code toDelete} the acknowledged messages that are in the file.
   */
  public record Flush(
      List<StoredMessage> toWrite,
      List<StoredMessage> toAck,
      List<StoredMessage> toInsert,
      List<StoredMessage> toDelete,
      long writtenThrough) {
    public boolean empty() {
      return toWrite.isEmpty() && toAck.isEmpty();
    }
  }

  /** Takes what is buffered for a flush; the appends stay readable until it ends. */
  public synchronized Flush startFlush() {
    List<StoredMessage> toWrite = pending;
    List<StoredMessage> toAck = acks;
    pending = new ArrayList<>();
    acks = new ArrayList<>();
    pendingBytes = 0;
    long writtenThrough = nextId - 1;
    flushing = toWrite;
    // An acknowledged message is either committed (id <= durableThrough: delete it) or among
    // the appends this flush commits (do not write it).
    List<StoredMessage> toInsert = toWrite;
    List<StoredMessage> toDelete = toAck;
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
    return new Flush(toWrite, toAck, toInsert, toDelete, writtenThrough);
  }

  /** The drops settled since the last call, per class ({for space, for age}), to be counted. */
  public synchronized Map<MessageClass, long[]> takeSettled() {
    return ledger.takeSettled();
  }

  /**
   * The flush's budget removed {@code ids} of class {@code c}: returns how many of them count as
   * dropped now ({@link DropLedger#removed}); those not committed yet are no longer sent.
   */
  public synchronized long removed(long[] ids, MessageClass c, DropLedger.Reason reason) {
    long n = 0;
    for (long id : ids) {
      if (ledger.removed(id, c, reason, ackedIds.contains(id))) {
        n++;
      }
      if (id > durableThrough) { // still readable in flushing until the commit
        removedInFlush.add(id);
      }
    }
    return n;
  }

  /** The flush's transaction committed. */
  public synchronized void committed(Flush f) {
    for (StoredMessage m : f.toAck()) {
      ackedIds.remove(m.id());
    }
    flushing = List.of();
    removedInFlush.clear();
    if (!f.toWrite().isEmpty()) {
      durableThrough = f.writtenThrough(); // with flushing cleared: readers see one or the other
    }
  }

  /**
   * The flush's transaction was rolled back: its appends and acknowledgements are buffered again,
   * in order, for the next attempt; its budget removals ({@code removed}) and the drops it counted
   * ({@code settled}) are undone.
   */
  public synchronized void failed(
      Flush f, List<long[]> removed, Map<MessageClass, long[]> settled) {
    for (long[] ids : removed) {
      for (long id : ids) {
        ledger.removalUndone(id);
      }
    }
    ledger.restoreSettled(settled);
    List<StoredMessage> toWrite = f.toWrite();
    toWrite.addAll(pending);
    pending = toWrite;
    List<StoredMessage> toAck = f.toAck();
    toAck.addAll(acks);
    acks = toAck;
    flushing = List.of();
    removedInFlush.clear();
  }

  /**
   * Messages not committed with {@code after < id <= upTo}, in order, skipping acknowledged ones
   * and those a budget removed, marked as handed out: first those of the flush under way, then the
   * buffered ones. Null when the file was committed beyond {@code durable} meanwhile (the caller
   * reads the file again).
   */
  public synchronized List<StoredMessage> readUncommitted(
      long after, long upTo, int limit, long durable) {
    if (durableThrough != durable) {
      return null;
    }
    long from = Math.max(after, durable);
    List<StoredMessage> out = new ArrayList<>();
    Pages.collect(flushing, from, upTo, limit, ackedIds, removedInFlush, out);
    Pages.collect(pending, from, upTo, limit, ackedIds, Set.of(), out);
    for (StoredMessage m : out) {
      ledger.handedOut(m.id()); // as for the file: a budget may remove it once committed
    }
    return out;
  }

  /** The forwarder read {@code page} from the file and may send what is not acknowledged. */
  public synchronized void handedOut(List<StoredMessage> page) {
    for (StoredMessage m : page) {
      if (!ackedIds.contains(m.id())) {
        ledger.handedOut(m.id());
      }
    }
  }

  /**
   * Whether {@code id} was acknowledged and is not committed yet (a read of the file skips it).
   * Asked per row, the lock for a moment each, instead of copying the ids for every page: with a
   * backlog the copy of thousands of ids per page of 256 was a quarter of the forwarder's samples
   * (JFR, 10,000 messages/s). An id acknowledged during a read is skipped too; it needs no sending.
   */
  public synchronized boolean acknowledgedUncommitted(long id) {
    return ackedIds.contains(id);
  }
}
