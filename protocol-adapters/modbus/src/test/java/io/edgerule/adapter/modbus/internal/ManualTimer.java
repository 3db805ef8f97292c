package io.edgerule.adapter.modbus.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link PollTimer} and {@link Clock} that only move when a test calls {@link #advance}: due
 * tasks then run in time order on the test's thread. Lets poller tests check timing without
 * sleeping.
 */
final class ManualTimer extends Clock implements PollTimer {
  private record Task(long due, long order, Runnable run) {}

  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
  private final List<Long> scheduledDelays = new ArrayList<>();
  private long now;
  private long order;
  private long[] lateness = new long[0];
  private int lateIndex;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Runnable schedule(Runnable task, long delayNanos) {
    scheduledDelays.add(delayNanos);
    long late = lateness.length == 0 ? 0 : lateness[lateIndex++ % lateness.length];
    Task t = new Task(now + Math.max(0, delayNanos) + late, order++, task);
    tasks.add(t);
    return () -> tasks.remove(t);
  }

  /** Moves time forward by {@code d}, running every task that falls due on the way. */
  void advance(Duration d) {
    long target = now + d.toNanos();
    while (!tasks.isEmpty() && tasks.peek().due <= target) {
      Task t = tasks.poll();
      now = t.due;
      t.run.run();
    }
    now = target;
  }

  /**
   * Makes scheduled tasks run late like a real scheduler's jitter: the n-th task scheduled from now
   * on runs {@code nanos[n % nanos.length]} after its due time.
   */
  void lateBy(long... nanos) {
    lateness = nanos.clone();
    lateIndex = 0;
  }

  /** Every delay passed to {@link #schedule}, in order. */
  List<Long> scheduledDelays() {
    return scheduledDelays;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return EPOCH.plusNanos(now);
  }
}
