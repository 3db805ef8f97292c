package io.edgerule.mqtt.outbox.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The id of the outbox's last append, and one thread (the forwarder's) that waits for the next one.
 * An append costs a volatile write and read and, only when the forwarder is parked, an unpark: no
 * lock, no notify per message. A producer that appends many messages in a row (the gateway's
 * dispatcher: the telemetry of a whole Modbus response) can {@link #hold()} the wake-ups and wake
 * the forwarder once at the end; otherwise the forwarder wakes, sends one message and parks again
 * for each of them: two context switches per message.
 */
public final class AppendSignal {
  // per thread: {depth of its holds, the last id when the outermost hold began}
  private final ThreadLocal<long[]> holds = ThreadLocal.withInitial(() -> new long[2]);
  private volatile long through;
  private volatile Thread waiter;
  private volatile boolean closed;

  /** The last appended id. */
  public long through() {
    return through;
  }

  /** Records an append (under the caller's lock, so ids only grow); call {@link #wake()} after. */
  public void set(long id) {
    through = id;
  }

  /** Lets the waiter, if any, see the last {@link #set}, unless this thread holds wake-ups. */
  public void wake() {
    if (holds.get()[0] == 0) {
      wakeNow();
    }
  }

  /**
   * Until {@link #release()}, this thread's appends do not wake the waiter; the outermost release
   * wakes it once if anything was appended meanwhile. Holds nest.
   */
  public void hold() {
    long[] h = holds.get();
    if (h[0]++ == 0) {
      h[1] = through;
    }
  }

  /** Ends a {@link #hold()}. */
  public void release() {
    long[] h = holds.get();
    if (h[0] > 0 && --h[0] == 0 && through != h[1]) {
      wakeNow();
    }
  }

  private void wakeNow() {
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  /** Ends every wait now and later. */
  public void close() {
    closed = true;
    wakeNow();
  }

  /**
   * Returns once an id beyond {@code id} was appended, after {@code timeoutMillis}, or when closed.
   * One waiting thread at a time.
   */
  public void awaitAfter(long id, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    waiter = Thread.currentThread();
    try {
      // waiter is written before through is read, and set() writes through before wake() reads
      // waiter (all volatile): either this loop sees the new id or the appender sees the waiter.
      while (through <= id && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        LockSupport.parkNanos(this, left);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    } finally {
      waiter = null;
    }
  }
}
