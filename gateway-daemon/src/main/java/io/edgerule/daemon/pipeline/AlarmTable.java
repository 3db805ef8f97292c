package io.edgerule.daemon.pipeline;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's record of one rule's alarms (name → active), at most {@code capacity} names ({@code
 * pipeline.alarms_per_rule}). A rule raising hundreds of new names per batch used to grow this map
 * without bound (1.27 GB in 40 s) and the state message with it (125 MB, retained).
 *
 * <p>A new name when the table is full takes the place of the oldest cleared one (its retained
 * topic on the broker already says it is cleared); when every name in the table is active the raise
 * or clear is refused: nothing is published and the caller counts it against the rule.
 */
final class AlarmTable {
  private final int capacity;
  private final LinkedHashMap<String, Boolean> alarms = new LinkedHashMap<>(); // oldest first

  AlarmTable(int capacity) {
    this.capacity = capacity;
  }

  /** Records the alarm as raised; false when refused (table full of active alarms). */
  synchronized boolean raise(String name) {
    return set(name, true);
  }

  /** Records the alarm as cleared; false when refused (unknown name, table full of active ones). */
  synchronized boolean clear(String name) {
    return set(name, false);
  }

  private boolean set(String name, boolean active) {
    if (alarms.containsKey(name)) {
      alarms.put(name, active);
      return true;
    }
    if (alarms.size() >= capacity && !forgetOldestCleared()) {
      return false;
    }
    alarms.put(name, active);
    return true;
  }

  private boolean forgetOldestCleared() {
    for (Iterator<Boolean> it = alarms.values().iterator(); it.hasNext(); ) {
      if (!it.next()) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  synchronized int size() {
    return alarms.size();
  }

  /** A copy, oldest first. */
  synchronized Map<String, Boolean> snapshot() {
    return new LinkedHashMap<>(alarms);
  }
}
