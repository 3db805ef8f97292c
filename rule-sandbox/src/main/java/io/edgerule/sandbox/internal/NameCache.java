package io.edgerule.sandbox.internal;

import java.util.Arrays;

/**
 * A few names a rule has passed before, recognised by their raw bytes: a linear scan over at most
 * {@code capacity} entries, each a length check and a vectorised {@link Arrays#equals}. When full,
 * the oldest entry makes room. Only for names whose checks passed: a hit means "already checked",
 * so nothing but the bytes decides.
 */
final class NameCache {
  private final byte[][] keys;
  private final String[] names;
  private int size;
  private int next;

  NameCache(int capacity) {
    keys = new byte[capacity][];
    names = new String[capacity];
  }

  /** The name these bytes were stored with, or null. */
  String get(byte[] raw) {
    for (int i = 0; i < size; i++) {
      if (Arrays.equals(keys[i], raw)) {
        return names[i];
      }
    }
    return null;
  }

  void put(byte[] raw, String name) {
    keys[next] = raw;
    names[next] = name;
    next = (next + 1) % keys.length;
    size = Math.max(size, next == 0 ? keys.length : next);
  }
}
