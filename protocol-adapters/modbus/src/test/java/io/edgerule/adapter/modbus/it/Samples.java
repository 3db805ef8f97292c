package io.edgerule.adapter.modbus.it;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An event sink that records samples and lets a test wait for one (no sleeps: wait/notify), or hold
 * the adapter's thread at one ({@link #holdAt}).
 */
final class Samples implements EventSink {
  private final List<PointSample> samples = new ArrayList<>();
  private final List<Hold> holds = new ArrayList<>();

  @Override
  public void accept(PointSample sample) {
    Hold hold = null;
    synchronized (this) {
      samples.add(sample);
      notifyAll();
      for (Hold h : holds) {
        if (h.matches.test(sample)) {
          hold = h;
          break;
        }
      }
      holds.remove(hold);
    }
    if (hold != null) {
      hold.hold(sample); // outside the lock: the test must still be able to await samples
    }
  }

  /**
   * Holds the thread that hands in the first sample matching {@code p} (once) until {@link
   * Hold#release}: a poller emits from its only thread, so while it is held it sends nothing, and a
   * test can look at the device side at a known point of the poller's work instead of racing it.
   */
  public synchronized Hold holdAt(Predicate<PointSample> p) {
    Hold hold = new Hold(p);
    holds.add(hold);
    return hold;
  }

  /** One hold of the adapter's thread; see {@link #holdAt}. */
  static final class Hold {
    /** A test that fails before releasing must not wedge the adapter for ever. */
    private static final Duration LONGEST = Duration.ofSeconds(30);

    private final Predicate<PointSample> matches;
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile PointSample sample;

    private Hold(Predicate<PointSample> matches) {
      this.matches = matches;
    }

    private void hold(PointSample s) {
      sample = s;
      held.countDown();
      try {
        released.await(LONGEST.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** Waits until the adapter's thread is held; returns the sample it is held at. */
    PointSample awaitHeld(Duration timeout, String what) throws InterruptedException {
      if (!held.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("no sample " + what + " within " + timeout);
      }
      return sample;
    }

    void release() {
      released.countDown();
    }
  }

  public synchronized List<PointSample> all() {
    return List.copyOf(samples);
  }

  public synchronized List<PointSample> of(String point) {
    return samples.stream().filter(s -> s.point().point().equals(point)).toList();
  }

  public synchronized void clear() {
    samples.clear();
  }

  /** The first recorded sample matching {@code p}, waiting up to {@code timeout} for it. */
  public synchronized PointSample await(Predicate<PointSample> p, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (PointSample s : samples) {
        if (p.test(s)) {
          return s;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "no sample "
                + what
                + " within "
                + timeout
                + "; got "
                + samples.size()
                + ": "
                + samples);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits until {@code p} holds for the recorded samples. */
  public synchronized void awaitAll(Predicate<List<PointSample>> p, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!p.test(samples)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("not " + what + " within " + timeout + "; samples: " + samples);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  static Predicate<PointSample> point(String name) {
    return s -> s.point().point().equals(name);
  }
}
