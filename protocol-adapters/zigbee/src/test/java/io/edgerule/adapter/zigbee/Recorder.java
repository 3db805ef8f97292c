package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** An event sink that keeps every sample and lets a test wait for one (poll with a deadline). */
final class Recorder implements EventSink {
  private final List<PointSample> samples = new ArrayList<>();

  @Override
  public synchronized void accept(PointSample sample) {
    samples.add(sample);
    notifyAll();
  }

  synchronized List<PointSample> samples() {
    return List.copyOf(samples);
  }

  synchronized int size() {
    return samples.size();
  }

  /**
   * Waits for a sample, received at index {@code from} or later, that matches, and returns its
   * index (so that a test can wait for what must come after it). Woken by every new sample.
   */
  synchronized int awaitIndex(int from, Predicate<PointSample> match, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = from;
    while (true) {
      for (; checked < samples.size(); checked++) {
        if (match.test(samples.get(checked))) {
          return checked;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail("no " + what + " within " + timeout + "; last samples: " + tail());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits for a sample, received at index {@code from} or later, that matches. */
  synchronized PointSample await(
      int from, Predicate<PointSample> match, Duration timeout, String what)
      throws InterruptedException {
    return samples.get(awaitIndex(from, match, timeout, what));
  }

  PointSample await(Predicate<PointSample> match, Duration timeout, String what)
      throws InterruptedException {
    return await(0, match, timeout, what);
  }

  static Predicate<PointSample> good(String point) {
    PointId id = PointId.parse(point);
    return s -> s.point().equals(id) && s.quality().isGood();
  }

  static Predicate<PointSample> bad(String point, String reasonPart) {
    PointId id = PointId.parse(point);
    return s ->
        s.point().equals(id) && !s.quality().isGood() && s.quality().reason().contains(reasonPart);
  }

  private List<PointSample> tail() {
    return samples.subList(Math.max(0, samples.size() - 8), samples.size());
  }
}
