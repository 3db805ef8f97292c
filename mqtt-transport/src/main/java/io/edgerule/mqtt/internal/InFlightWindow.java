package io.edgerule.mqtt.internal;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The publishes handed to Paho and not yet answered, at most {@code size}: the transport's
 * back-pressure. A full window refuses at once; {@link #capacity()} tells the caller when there is
 * room again.
 */
public final class InFlightWindow {
  private final int size;
  private final Semaphore slots;
  private final Set<Slot> open = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private CompletableFuture<Void> waiter;
  private boolean closed;

  public InFlightWindow(int size) {
    this.size = size;
    this.slots = new Semaphore(size);
  }

  /** A slot for one publish, or null when the window is full. */
  public Slot tryTake() {
    if (!slots.tryAcquire()) {
      return null;
    }
    Slot s = new Slot();
    open.add(s);
    return s;
  }

  public int inFlight() {
    return size - slots.availablePermits();
  }

  /** Completes when {@link #tryTake()} would succeed (at once if it would now, or when closed). */
  public CompletionStage<Void> capacity() {
    synchronized (lock) {
      if (slots.availablePermits() > 0 || closed) {
        return CompletableFuture.completedFuture(null);
      }
      if (waiter == null) {
        waiter = new CompletableFuture<>();
      }
      return waiter.minimalCompletionStage();
    }
  }

  /** Fails every open slot with the exception {@code why} makes (once per slot). */
  public void failAll(Supplier<? extends Throwable> why) {
    for (Slot s : List.copyOf(open)) {
      s.fail(why.get());
    }
  }

  /** Fails every open slot and lets every capacity waiter go. */
  public void close(Supplier<? extends Throwable> why) {
    synchronized (lock) {
      closed = true;
    }
    failAll(why);
    wakeWaiter();
  }

  private void release(Slot s) {
    open.remove(s);
    slots.release();
    wakeWaiter();
  }

  private void wakeWaiter() {
    CompletableFuture<Void> w;
    synchronized (lock) {
      w = waiter;
      waiter = null;
    }
    if (w != null) {
      w.complete(null);
    }
  }

  /**
   * One publish in flight. It gives its slot back before its stage completes, so a caller woken by
   * the completion already sees the room; and exactly once, whoever completes it first (Paho's
   * answer, the sweep when the connection drops, close).
   */
  public final class Slot {
    private final CompletableFuture<Void> stage = new CompletableFuture<>();
    private final AtomicBoolean finished = new AtomicBoolean();

    public void succeed() {
      if (finished.compareAndSet(false, true)) {
        release(this);
        stage.complete(null);
      }
    }

    public void fail(Throwable e) {
      if (finished.compareAndSet(false, true)) {
        release(this);
        stage.completeExceptionally(e);
      }
    }

    public CompletionStage<Void> stage() {
      return stage.minimalCompletionStage();
    }
  }
}
