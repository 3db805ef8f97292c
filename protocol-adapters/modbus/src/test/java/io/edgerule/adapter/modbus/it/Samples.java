package io.edgerule.adapter.modbus.it;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** An event sink that records samples and lets a test wait for one (no sleeps: wait/notify). */
final class Samples implements EventSink {
  private final List<PointSample> samples = new ArrayList<>();

  @Override
  public synchronized void accept(PointSample sample) {
    samples.add(sample);
    notifyAll();
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
