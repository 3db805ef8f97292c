package io.edgerule.mqtt.outbox.internal;

import io.edgerule.mqtt.outbox.MessageClass;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides which of the messages a class's budget removed count as dropped: only those the broker
 * never acknowledges. The oldest queued message is also the next to go out, so the budget often
 * removes a message the forwarder has already read (it waits in the forwarder's plan or in the
 * publisher's window) and that still reaches the broker. Such a message is held here until it is
 * settled: acknowledged (not a drop) or its send round ended without an acknowledgement (a drop,
 * counted then). Counted this way, a class's drop counter is exactly the number of its messages
 * that left the outbox without being acknowledged (tests: {@code OutboxDropCountTest}).
 *
 * <p>Not thread-safe: the outbox calls it under its buffer lock.
 */
public final class DropLedger {
  /** Why a message was removed without an acknowledgement. */
  public enum Reason {
    SPACE,
    AGE
  }

  private record Removed(MessageClass messageClass, Reason reason) {}

  /** Ids the forwarder read in its current round and that are not acknowledged yet. */
  private final Set<Long> handedOut = new HashSet<>();

  /** Removed by a budget while handed out: a drop unless acknowledged before the round ends. */
  private final Map<Long, Removed> unsettled = new HashMap<>();

  /** Drops settled since the last commit, per class: {for space, for age}. */
  private final Map<MessageClass, long[]> settled = new EnumMap<>(MessageClass.class);

  /** The forwarder read {@code id} and may send it. */
  public void handedOut(long id) {
    handedOut.add(id);
  }

  /** The broker acknowledged {@code id}: whatever a budget did to it, it is not a drop. */
  public void acknowledged(long id) {
    handedOut.remove(id);
    unsettled.remove(id);
  }

  /**
   * A budget removed {@code id} from the store.
   *
   * @param acknowledgedUncommitted the broker acknowledged it and the removal is not committed yet
   * @return true when it counts as a drop now; false when it is not a drop (acknowledged) or will
   *     be decided when it settles
   */
  public boolean removed(long id, MessageClass c, Reason reason, boolean acknowledgedUncommitted) {
    if (acknowledgedUncommitted) {
      return false;
    }
    if (handedOut.contains(id)) {
      unsettled.put(id, new Removed(c, reason));
      return false;
    }
    return true;
  }

  /** The removal of {@code id} was rolled back: it is in the store again. */
  public void removalUndone(long id) {
    unsettled.remove(id);
  }

  /**
   * The forwarder starts a new round (everything it sent before has settled) or stops: what it had
   * read and a budget removed without an acknowledgement is a drop.
   */
  public void roundEnded() {
    for (Removed r : unsettled.values()) {
      settled.computeIfAbsent(r.messageClass(), k -> new long[2])[r.reason().ordinal()]++;
    }
    unsettled.clear();
    handedOut.clear();
  }

  /** True when drops settled since the last {@link #takeSettled()}. */
  public boolean hasSettled() {
    return !settled.isEmpty();
  }

  /** The settled drops per class ({for space, for age}), which the caller now counts. */
  public Map<MessageClass, long[]> takeSettled() {
    Map<MessageClass, long[]> m = new EnumMap<>(settled);
    settled.clear();
    return m;
  }

  /** Gives back what {@link #takeSettled()} returned when the commit counting it failed. */
  public void restoreSettled(Map<MessageClass, long[]> m) {
    m.forEach(
        (c, v) -> {
          long[] s = settled.computeIfAbsent(c, k -> new long[2]);
          s[0] += v[0];
          s[1] += v[1];
        });
  }

  /** Messages read and not acknowledged yet, and removed ones waiting to settle (for tests). */
  public int tracked() {
    return handedOut.size() + unsettled.size();
  }
}
