package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointSample;
import io.edgerule.daemon.mqtt.Uplink;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Where adapters hand in samples. Each sample is stamped with the receive time and the next gateway
 * sequence number and queued, under one lock, so queue order is sequence order. Adapters never
 * block: when the queue is full an old event is dropped and counted (fresh data matters more than
 * old data to a controller).
 *
 * <p>Each adapter hands in through its own {@link #lane}. When the queue is full, the oldest event
 * of the lane with the most events queued is dropped: an adapter that floods the gateway loses its
 * own events, not those of the other adapters. (With one shared drop-oldest queue, a flood of a
 * million events evicted every event of the well-behaved adapters before a rule could see it.) The
 * lanes share the capacity, so memory stays bounded whatever the adapters do.
 *
 * <p>A {@link #journal} sees every event as it is made, under the lock, in sequence order, before
 * it is queued (and before the queue can drop it), and every read cycle's end: telemetry goes into
 * the outbox there ({@link TelemetryAtIngress}), so a sample an adapter handed in is in the outbox
 * when {@code accept} returns (per point) or when its cycle's {@code cycleEnd} returns (batches),
 * whatever the rules and the queue do with it. The journal's timed work (a batch window that ran
 * out) is done by the consumer's {@link #drain}, under the same lock.
 */
public final class Ingress implements EventSink {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final List<Lane> lanes = new ArrayList<>(); // guarded by lock
  private final Lane defaultLane;
  private final int capacity;
  private final Clock clock;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile IngressJournal journal = e -> {};
  private volatile Supplier<Uplink.Batch> journalBurst = () -> () -> {};
  private long sequence; // guarded by lock
  private int size; // guarded by lock
  private boolean closed; // guarded by lock

  /** One source's share of the queue; hands samples in like the ingress itself. */
  public final class Lane implements EventSink {
    private final String source;
    private final ArrayDeque<PointEvent> queue = new ArrayDeque<>();
    private final AtomicLong laneDropped = new AtomicLong();
    private long lastSequence; // guarded by lock: of this lane's last event
    private boolean retired; // guarded by lock: no more samples; removed once drained

    @Override
    public void cycleEnd(String device) {
      Ingress.this.cycleEnd(this, device);
    }

    private Lane(String source) {
      this.source = source;
    }

    @Override
    public void accept(PointSample sample) {
      Ingress.this.accept(this, sample);
    }

    @Override
    public void acceptAll(List<PointSample> samples) {
      Ingress.this.acceptAll(this, samples);
    }

    public String source() {
      return source;
    }

    /** Events of this lane dropped because the queue was full (or after close). */
    public long dropped() {
      return laneDropped.get();
    }
  }

  public Ingress(int capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
    this.defaultLane = lane("");
  }

  /**
   * Gets every event as it is made and every cycle end (under the ingress lock, in sequence order;
   * it must not block for long, and it holds up the adapters when it does: back-pressure). Set
   * before adapters start.
   */
  public void journal(IngressJournal journal) {
    this.journal = Objects.requireNonNull(journal, "journal");
  }

  /**
   * Opened around the journal's events of one {@code acceptAll} (a Modbus response: ~100 events),
   * so that the uplink wakes its sender once for them instead of once per message ({@link
   * Uplink#batch()}). Set before adapters start.
   */
  public void journalBurst(Supplier<Uplink.Batch> burst) {
    this.journalBurst = Objects.requireNonNull(burst, "burst");
  }

  /**
   * Runs {@code change} under the ingress lock, between two events: a config reload changes the
   * journal's settings here, so that no event is journaled half under the old settings and half
   * under the new.
   */
  public void betweenEvents(Runnable change) {
    lock.lock();
    try {
      change.run();
    } finally {
      lock.unlock();
    }
  }

  /** A sink of its own for one source (an adapter), sharing this ingress's capacity. */
  public Lane lane(String source) {
    Lane lane = new Lane(Objects.requireNonNull(source, "source"));
    lock.lock();
    try {
      lanes.add(lane);
    } finally {
      lock.unlock();
    }
    return lane;
  }

  /**
   * Stops taking samples from {@code lane} (its adapter was closed by a config reload). Its events
   * already queued are still drained in order; the lane goes when it is empty.
   */
  public void retire(Lane lane) {
    lock.lock();
    try {
      lane.retired = true;
      if (lane.queue.isEmpty()) {
        lanes.remove(lane);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void accept(PointSample sample) {
    accept(defaultLane, sample);
  }

  @Override
  public void acceptAll(List<PointSample> samples) {
    acceptAll(defaultLane, samples);
  }

  private void accept(Lane lane, PointSample sample) {
    Objects.requireNonNull(sample, "sample");
    lock.lock();
    try {
      if (enqueue(lane, sample, clock.instant())) {
        notEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** One lock hold and one wake-up of the consumer for all of them; one receive time. */
  private void acceptAll(Lane lane, List<PointSample> samples) {
    for (PointSample s : samples) {
      Objects.requireNonNull(s, "sample");
    }
    if (samples.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    lock.lock();
    try (Uplink.Batch burst = journalBurst.get()) {
      boolean any = false;
      for (PointSample s : samples) {
        any |= enqueue(lane, s, now);
      }
      if (any) {
        notEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The cycle's events are this lane's up to its last one, all journaled already. */
  private void cycleEnd(Lane lane, String device) {
    lock.lock();
    try {
      if (closed || lane.lastSequence == 0) {
        return;
      }
      journal.cycleEnd(device, lane.lastSequence);
    } finally {
      lock.unlock();
    }
  }

  /** Queues one sample (lock held); false if it was dropped because the ingress is closed. */
  private boolean enqueue(Lane lane, PointSample sample, Instant receiveTime) {
    if (closed || lane.retired) {
      dropped.incrementAndGet();
      lane.laneDropped.incrementAndGet();
      return false;
    }
    // Made before anything is dropped, so a sample that cannot become an event costs nothing.
    PointEvent event = PointEvent.of(sample, receiveTime, sequence + 1);
    sequence++;
    journal.event(event);
    if (size >= capacity) {
      Lane longest = lanes.get(0);
      for (Lane l : lanes) {
        if (l.queue.size() > longest.queue.size()) {
          longest = l;
        }
      }
      longest.queue.pollFirst();
      if (longest.retired && longest.queue.isEmpty()) {
        lanes.remove(longest);
      }
      longest.laneDropped.incrementAndGet();
      dropped.incrementAndGet();
      size--;
    }
    lane.queue.addLast(event);
    lane.lastSequence = event.sequence();
    size++;
    accepted.incrementAndGet();
    return true;
  }

  /**
   * Moves up to {@code max} events into {@code into}, in sequence order, waiting up to {@code
   * timeout} for the first. While it waits, and before it returns, it does the journal's timed work
   * that is due ({@link IngressJournal#due}: batch windows that ran out), so the consumer's thread
   * is the journal's timer.
   *
   * @return false once the ingress is closed and empty (the consumer should stop)
   */
  public boolean drain(List<PointEvent> into, int max, long timeout, TimeUnit unit)
      throws InterruptedException {
    lock.lock();
    try {
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      while (true) {
        long now = System.nanoTime();
        journal.due(now);
        if (size > 0) {
          break;
        }
        if (closed) {
          return false;
        }
        long left = deadline - now;
        if (left <= 0) {
          return true;
        }
        notEmpty.awaitNanos(journal.nanosUntilDue(now, left));
      }
      int taken = 0;
      while (taken < max && size > 0) {
        // Each lane is in sequence order: the smallest head is the next event overall, and the
        // lane may go on until its head passes the second smallest. A response's events are
        // numbered together (acceptAll), so a run is ~100 events: one scan of the lanes per run,
        // not per event (the per-event scan was 18 % of the dispatcher with 50 devices).
        Lane next = null;
        long nextHead = Long.MAX_VALUE;
        long secondHead = Long.MAX_VALUE;
        for (Lane l : lanes) {
          PointEvent head = l.queue.peekFirst();
          if (head == null) {
            continue;
          }
          long seq = head.sequence();
          if (seq < nextHead) {
            secondHead = nextHead;
            nextHead = seq;
            next = l;
          } else if (seq < secondHead) {
            secondHead = seq;
          }
        }
        PointEvent head;
        while (taken < max
            && (head = next.queue.peekFirst()) != null
            && head.sequence() < secondHead) {
          into.add(next.queue.pollFirst());
          size--;
          taken++;
        }
        if (next.retired && next.queue.isEmpty()) {
          lanes.remove(next);
        }
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Stops accepting; the journal sends what it holds; what is queued is still drained. */
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        journal.close();
      }
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public int depth() {
    lock.lock();
    try {
      return size;
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
