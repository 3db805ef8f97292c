package io.edgerule.sandbox.internal;

import io.edgerule.sandbox.FailureKind;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A rule's persistent key/value state. Calls stage their changes on a working copy ({@code
 * gw.state_put}); the engine {@link #commit commits} them together with the call's actions, or
 * {@link #discard discards} them with a failed call. The committed map is replaced, never mutated,
 * so other threads (health, hot swap) may read it at any time.
 */
public final class RuleState {
  private final int capacity;
  private volatile Map<String, byte[]> committed = Map.of();
  private volatile int committedBytes;
  private Map<String, byte[]> working; // the call in progress; rule thread only
  private int workingBytes;

  /**
   * @param capacity most bytes of keys (UTF-8) and values together ({@code limits.state_bytes})
   */
  public RuleState(int capacity) {
    this.capacity = capacity;
  }

  public int capacity() {
    return capacity;
  }

  /** The value of {@code key} as the current call sees it, or null. */
  public byte[] get(String key) {
    Map<String, byte[]> view = working != null ? working : committed;
    return view.get(key);
  }

  /**
   * Stages a change: an empty value deletes the key.
   *
   * @throws RuleAbort LIMIT if the state would grow past its capacity
   */
  public void put(String key, byte[] value) {
    if (working == null) {
      working = new HashMap<>(committed);
      workingBytes = committedBytes;
    }
    int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
    byte[] old = working.get(key);
    int next = workingBytes - (old == null ? 0 : keyBytes + old.length);
    if (value.length > 0) {
      next += keyBytes + value.length;
    }
    if (next > capacity) {
      throw new RuleAbort(
          FailureKind.LIMIT,
          "gw.state_put: state would grow to "
              + next
              + " bytes; the limit is "
              + capacity
              + " (limits.state_bytes)");
    }
    if (value.length > 0) {
      working.put(key, value);
    } else {
      working.remove(key);
    }
    workingBytes = next;
  }

  /** True if the call in progress changed the state. */
  public boolean dirty() {
    return working != null;
  }

  /** The state as it will be once the call in progress commits (sorted by key). */
  public Map<String, byte[]> pending() {
    return new TreeMap<>(working != null ? working : committed);
  }

  /** Makes the call's changes the committed state. */
  public void commit() {
    if (working != null) {
      committed = Map.copyOf(working);
      committedBytes = workingBytes;
      working = null;
    }
  }

  /** Forgets the call's changes. */
  public void discard() {
    working = null;
  }

  /** The committed state (an immutable snapshot). */
  public Map<String, byte[]> snapshot() {
    return committed;
  }

  public int bytes() {
    return committedBytes;
  }

  /**
   * Replaces the committed state (restore at load, hand-over at hot swap).
   *
   * @throws IllegalArgumentException if it does not fit this state's capacity
   */
  public void replace(Map<String, byte[]> state) {
    int size = sizeOf(state);
    if (size > capacity) {
      throw new IllegalArgumentException(
          "the rule's state holds "
              + size
              + " bytes; its limit is "
              + capacity
              + " (limits.state_bytes)");
    }
    committed = Map.copyOf(state);
    committedBytes = size;
    working = null;
  }

  public static int sizeOf(Map<String, byte[]> state) {
    int size = 0;
    for (var e : state.entrySet()) {
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
    }
    return size;
  }
}
