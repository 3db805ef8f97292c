package io.edgerule.adapter;

import java.util.List;

/**
 * Where an adapter delivers samples. Implementations are thread-safe and never block for long: the
 * daemon's sink stamps each sample and puts it on a bounded queue (and counts what it has to drop).
 */
@FunctionalInterface
public interface EventSink {
  void accept(PointSample sample);

  /**
   * Hands in several samples at once, in order, e.g. every point of one Modbus response. The
   * daemon's sink takes them in one hand-off and wakes its consumer once, instead of once per
   * sample (a response of 100 points used to cost up to 100 lock round trips and thread wake-ups).
   * The list is only read during the call; the caller may reuse it afterwards.
   */
  default void acceptAll(List<PointSample> samples) {
    for (PointSample s : samples) {
      accept(s);
    }
  }
}
