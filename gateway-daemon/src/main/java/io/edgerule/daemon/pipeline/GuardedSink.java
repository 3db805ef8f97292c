package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointSample;
import java.util.ArrayList;
import java.util.List;

/**
 * What an adapter hands its samples to: each is checked by its {@link AdapterGuard} (null, after
 * close, a point the adapter does not offer: counted and said), the good ones go on to the
 * gateway's sink. A list handed in at once goes on as one list, so the ingress takes it in one
 * hand-off. Runs on the adapter's threads: nothing is thrown back at them.
 */
final class GuardedSink implements EventSink {
  private final AdapterGuard guard;
  private final EventSink downstream;

  GuardedSink(AdapterGuard guard, EventSink downstream) {
    this.guard = guard;
    this.downstream = downstream;
  }

  @Override
  public void accept(PointSample sample) {
    try {
      if (guard.admissible(sample)) {
        downstream.accept(sample);
      }
    } catch (RuntimeException e) {
      guard.problem("events_invalid", "handed in a sample the gateway cannot take: " + e);
    }
  }

  @Override
  public void acceptAll(List<PointSample> samples) {
    try {
      if (samples == null) {
        guard.problem("events_invalid", "handed in an empty list of samples (null)");
        return;
      }
      List<PointSample> good = samples; // the caller's list as long as every sample is good
      for (int i = 0; i < samples.size(); i++) {
        boolean ok = guard.admissible(samples.get(i));
        if (!ok && good == samples) {
          good = new ArrayList<>(samples.subList(0, i));
        } else if (ok && good != samples) {
          good.add(samples.get(i));
        }
      }
      if (!good.isEmpty()) {
        downstream.acceptAll(good);
      }
    } catch (RuntimeException e) {
      guard.problem("events_invalid", "handed in samples the gateway cannot take: " + e);
    }
  }

  @Override
  public void cycleEnd(String device) {
    try {
      // Only a hint for telemetry batching: one for a device the adapter does not own finds no
      // batch and does nothing.
      if (device != null) {
        downstream.cycleEnd(device);
      }
    } catch (RuntimeException e) {
      guard.problem("events_invalid", "reported a cycle end the gateway cannot take: " + e);
    }
  }
}
