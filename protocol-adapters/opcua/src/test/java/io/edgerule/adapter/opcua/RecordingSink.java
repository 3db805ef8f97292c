package io.edgerule.adapter.opcua;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects samples and waits for one that matches, with a deadline (no sleeps). */
final class RecordingSink implements EventSink {
  private final List<PointSample> samples = new ArrayList<>();

  @Override
  public synchronized void accept(PointSample sample) {
    samples.add(sample);
    notifyAll();
  }

  synchronized List<PointSample> all() {
    return List.copyOf(samples);
  }

  synchronized List<PointSample> of(PointId point) {
    return samples.stream().filter(s -> s.point().equals(point)).toList();
  }

  synchronized int size() {
    return samples.size();
  }

  /** The first sample at index >= from that matches, waiting up to timeout. */
  synchronized PointSample await(int from, Predicate<PointSample> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int i = from;
    while (true) {
      for (; i < samples.size(); i++) {
        if (match.test(samples.get(i))) {
          return samples.get(i);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "no matching sample within "
                + timeout
                + "; got "
                + samples.subList(from, samples.size()));
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  PointSample await(Predicate<PointSample> match, Duration timeout) throws InterruptedException {
    return await(0, match, timeout);
  }
}
