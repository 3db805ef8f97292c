package io.edgerule.daemon.pipeline;

import io.edgerule.daemon.namespace.AlarmChange;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@link #CAPACITY} alarm changes (raised or cleared), oldest first, for the status page.
 */
public final class RecentAlarms {
  public static final int CAPACITY = 50;

  private final ArrayDeque<AlarmChange> changes = new ArrayDeque<>(CAPACITY);

  public synchronized void add(AlarmChange change) {
    if (changes.size() == CAPACITY) {
      changes.pollFirst();
    }
    changes.addLast(change);
  }

  public synchronized List<AlarmChange> snapshot() {
    return List.copyOf(changes);
  }
}
