package io.edgerule.adapter.zigbee.internal;

import io.edgerule.adapter.Backoff;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When each device is to be set up or read again: at once when asked (discovered, announced, back
 * after silence, the coordinator back), then after each failure with backoff until one attempt
 * works. One attempt per device at a time; an ask that comes while one runs (a device announces
 * itself three times as it rejoins) makes the next one start as soon as it ends.
 *
 * <p>Why: a device read right after the coordinator came back may not have rejoined yet; one failed
 * read used to leave it BAD until it happened to report. Pure: the caller passes the time
 * (nanoseconds, {@link System#nanoTime()}); thread-safe.
 */
public final class SyncSchedule<K> {
  private static final class Entry {
    int failures;
    long dueNanos;
    boolean running;
    boolean askedWhileRunning;
  }

  private final Backoff backoff;
  private final Map<K, Entry> entries = new HashMap<>();

  public SyncSchedule(Backoff backoff) {
    this.backoff = backoff;
  }

  /** {@code key} is to be synced now (from the first delay again if it was failing). */
  public synchronized void request(K key, long now) {
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    e.failures = 0;
    if (e.running) {
      e.askedWhileRunning = true;
    } else {
      e.dueNanos = now;
    }
  }

  /** Whether an attempt for {@code key} is due and none runs. */
  public synchronized boolean isDue(K key, long now) {
    Entry e = entries.get(key);
    return e != null && !e.running && e.dueNanos - now <= 0;
  }

  /** Claims the due attempt for {@code key}; false if none is due or one runs already. */
  public synchronized boolean start(K key, long now) {
    if (!isDue(key, now)) {
      return false;
    }
    Entry e = entries.get(key);
    e.running = true;
    e.askedWhileRunning = false;
    return true;
  }

  /**
   * The attempt {@link #start started} for {@code key} ended.
   *
   * @return the delay until the next attempt, or empty when none is needed
   */
  public synchronized Optional<Duration> finished(K key, boolean succeeded, long now) {
    Entry e = entries.get(key);
    if (e == null) {
      return Optional.empty();
    }
    e.running = false;
    if (e.askedWhileRunning) {
      e.askedWhileRunning = false;
      e.dueNanos = now;
      return Optional.of(Duration.ZERO);
    }
    if (succeeded) {
      entries.remove(key);
      return Optional.empty();
    }
    Duration delay = backoff.delay(e.failures++);
    e.dueNanos = now + delay.toNanos();
    return Optional.of(delay);
  }

  /** Nothing more for {@code key} (it left the network). */
  public synchronized void forget(K key) {
    entries.remove(key);
  }
}
