package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointSample;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where adapters hand in samples. Each sample is stamped with the receive time and the next gateway
 * sequence number and queued, under one lock, so queue order is sequence order. Adapters never
 * block: when the queue is full the oldest event is dropped and counted (fresh data matters more
 * than old data to a controller).
 */
public final class Ingress implements EventSink {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final ArrayDeque<PointEvent> queue;
  private final int capacity;
  private final Clock clock;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private long sequence;
  private boolean closed;

  public Ingress(int capacity, Clock clock) {
    this.capacity = capacity;
    this.queue = new ArrayDeque<>(Math.min(capacity, 1024));
    this.clock = clock;
  }

  @Override
  public void accept(PointSample sample) {
    lock.lock();
    try {
      if (closed) {
        dropped.incrementAndGet();
        return;
      }
      if (queue.size() >= capacity) {
        queue.pollFirst();
        dropped.incrementAndGet();
      }
      queue.addLast(PointEvent.of(sample, clock.instant(), ++sequence));
      accepted.incrementAndGet();
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves up to {@code max} events into {@code into}, waiting up to {@code timeout} for the first.
   *
   * @return false once the ingress is closed and empty (the consumer should stop)
   */
  public boolean drain(List<PointEvent> into, int max, long timeout, TimeUnit unit)
      throws InterruptedException {
    lock.lock();
    try {
      long nanos = unit.toNanos(timeout);
      while (queue.isEmpty()) {
        if (closed) {
          return false;
        }
        if (nanos <= 0) {
          return true;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      for (int i = 0; i < max && !queue.isEmpty(); i++) {
        into.add(queue.pollFirst());
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Stops accepting; what is queued is still drained. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public int depth() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  public long accepted() {
    return accepted.get();
  }

  public long dropped() {
    return dropped.get();
  }
}
