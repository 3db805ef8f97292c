package io.edgerule.daemon;

import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.pipeline.Ingress;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.daemon.rules.RuleSupervisor;
import io.edgerule.daemon.state.LatestSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher thread: takes events from the ingress queue in batches, records each point's last
 * value and hands events to the rules subscribed to them (each rule woken once per batch).
 * Telemetry is not its job: it enters the outbox on the adapters' threads (the ingress's journal).
 * It ends when the ingress is closed and drained.
 */
final class DispatchLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(DispatchLoop.class);
  private static final int BATCH = 256;

  private final Ingress ingress;
  private final RuleSupervisor rules;
  private final LatestSamples latest;
  private final GatewayListener listener;
  private final Liveness liveness;

  DispatchLoop(
      Ingress ingress,
      RuleSupervisor rules,
      LatestSamples latest,
      GatewayListener listener,
      Liveness liveness) {
    this.ingress = ingress;
    this.rules = rules;
    this.latest = latest;
    this.listener = listener;
    this.liveness = liveness;
  }

  @Override
  public void run() {
    List<PointEvent> batch = new ArrayList<>(BATCH);
    List<RuleSlot> due = new ArrayList<>();
    try {
      while (true) {
        batch.clear();
        // The drain also sends telemetry batches whose window ran out (the ingress's journal).
        if (!ingress.drain(batch, BATCH, 200, TimeUnit.MILLISECONDS)) {
          return;
        }
        liveness.dispatcherTurned();
        for (PointEvent event : batch) {
          toRules(event, due);
        }
        for (RuleSlot slot : due) {
          slot.startTurn();
        }
        due.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void toRules(PointEvent event, List<RuleSlot> due) {
    latest.record(event);
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("listener failed: {}", e.toString());
    }
    for (RuleSlot slot : rules.subscribers(event.point())) {
      if (slot.queue(event)) {
        due.add(slot);
      }
    }
  }
}
