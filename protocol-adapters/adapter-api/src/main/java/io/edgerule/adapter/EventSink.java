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

  /**
   * Says that every sample of one read cycle of {@code device} has been handed in (call it after
   * the cycle's last {@link #accept} or {@link #acceptAll}, from the same thread). The gateway can
   * then send the cycle's changes as one telemetry message at once instead of waiting for its batch
   * window. Optional: adapters that do not read in cycles (reports, subscriptions) never call it,
   * and their samples are batched by the window alone. The default does nothing.
   */
  default void cycleEnd(String device) {}
}
