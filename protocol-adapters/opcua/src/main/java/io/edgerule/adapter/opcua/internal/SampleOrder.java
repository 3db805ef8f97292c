package io.edgerule.adapter.opcua.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;

/**
 * Remembers, per monitored item, the timestamps of the newest notification delivered, and refuses
 * one that is not newer: a notification delivered again. That happens with servers that re-send,
 * and with Milo 1.1.2's client itself: it hands consecutive Publish responses to a thread pool
 * ({@code whenCompleteAsync}), so under load it can process sequence number n+1 before n, sees a
 * gap, calls Republish for n, and then processes n again (and its last-sequence bookkeeping moves
 * back, so the next response triggers another Republish of a message already delivered).
 *
 * <p>Order: source time, then server time. A notification without either time cannot be ordered and
 * is let through (the adapter still drops an exact repeat of the last sample). Not thread-safe: the
 * adapter calls it under its lock; one instance per session (new monitored items start fresh).
 *
 * @param <K> what identifies a monitored item
 */
public final class SampleOrder<K> {
  /** The two timestamps of a notification; null when the server sent none. */
  public record Stamp(Instant source, Instant server) {
    public static Stamp of(DataValue value) {
      return new Stamp(instant(value.sourceTime()), instant(value.serverTime()));
    }

    private static Instant instant(DateTime t) {
      return t == null || t.isNull() || !t.isValid() ? null : t.getJavaInstant();
    }

    /**
     * True when this is later than {@code last}, false when it is earlier or the same, null when
     * the two cannot be ordered (a time missing on one side).
     */
    Boolean isAfter(Stamp last) {
      if (source != null && last.source != null) {
        int c = source.compareTo(last.source);
        if (c != 0) {
          return c > 0;
        }
        // Same source time: a re-sent notification, unless the server time says otherwise.
        return server != null && last.server != null && server.isAfter(last.server);
      }
      if (server != null && last.server != null) {
        return server.isAfter(last.server);
      }
      return null;
    }
  }

  private final Map<K, Stamp> newest = new HashMap<>();

  /**
   * True if the notification may be delivered (it is newer than every one before it for this item,
   * or cannot be ordered); false if it is older than or as old as the newest one delivered.
   */
  public boolean admit(K item, Stamp stamp) {
    Stamp last = newest.get(item);
    if (last != null) {
      Boolean after = stamp.isAfter(last);
      if (Boolean.FALSE.equals(after)) {
        return false;
      }
    }
    newest.put(item, stamp);
    return true;
  }

  /** Forgets every item (a new session with new monitored items). */
  public void clear() {
    newest.clear();
  }
}
