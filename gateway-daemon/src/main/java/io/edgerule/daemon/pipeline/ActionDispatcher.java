package io.edgerule.daemon.pipeline;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.mqtt.Payloads;
import io.edgerule.daemon.mqtt.Topics;
import io.edgerule.daemon.mqtt.Uplink;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what rules decided: device writes through the owning adapter, MQTT publications,
 * alarms (retained, one topic per alarm) and rule log lines. Also serves write commands from MQTT.
 */
public final class ActionDispatcher implements RuleSlot.OutcomeHandler {
  private static final Logger log = LoggerFactory.getLogger(ActionDispatcher.class);

  private final PointDirectory directory;
  private final Uplink uplink;
  private final Topics topics;
  private final GatewayListener listener;
  private final Clock clock;
  private final Map<String, Boolean> alarms = new ConcurrentHashMap<>();
  private final AtomicInteger writesInFlight = new AtomicInteger();

  public ActionDispatcher(
      PointDirectory directory,
      Uplink uplink,
      Topics topics,
      GatewayListener listener,
      Clock clock) {
    this.directory = directory;
    this.uplink = uplink;
    this.topics = topics;
    this.listener = listener;
    this.clock = clock;
  }

  @Override
  public void handle(RuleSlot slot, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
    String rule = slot.name();
    try {
      listener.onRuleOutcome(rule, batch, outcome, elapsed);
    } catch (RuntimeException e) {
      log.warn("listener failed: {}", e.toString());
    }
    if (outcome instanceof RuleOutcome.Committed committed) {
      for (RuleAction action : committed.actions()) {
        perform(rule, action);
      }
    } else if (outcome instanceof RuleOutcome.Failed failed && batch.isEmpty()) {
      log.warn("rule '{}' tick failed: {} {}", rule, failed.kind(), failed.message());
    } else if (outcome instanceof RuleOutcome.Failed failed) {
      log.warn(
          "rule '{}' batch of {} events (seq {}..{}) failed: {} {}",
          rule,
          batch.size(),
          batch.get(0).sequence(),
          batch.get(batch.size() - 1).sequence(),
          failed.kind(),
          failed.message());
    }
  }

  private void perform(String rule, RuleAction action) {
    if (action instanceof RuleAction.WritePoint w) {
      write(new WriteCommand(w.point(), w.value(), "rule:" + rule));
    } else if (action instanceof RuleAction.Publish p) {
      uplink.publish(topics.rule(rule, p.topic()), p.payload(), p.qos(), p.retain());
    } else if (action instanceof RuleAction.RaiseAlarm a) {
      alarms.put(rule + "/" + a.alarm(), true);
      log.info(
          "rule '{}' raised alarm '{}' (severity {}): {}",
          rule,
          a.alarm(),
          a.severity(),
          a.message());
      uplink.publish(
          topics.alarm(rule, a.alarm()),
          Payloads.alarm(rule, a.alarm(), true, a.severity(), a.message(), clock.instant()),
          1,
          true);
    } else if (action instanceof RuleAction.ClearAlarm c) {
      alarms.put(rule + "/" + c.alarm(), false);
      log.info("rule '{}' cleared alarm '{}'", rule, c.alarm());
      uplink.publish(
          topics.alarm(rule, c.alarm()),
          Payloads.alarm(rule, c.alarm(), false, 0, "", clock.instant()),
          1,
          true);
    } else if (action instanceof RuleAction.Log l) {
      log.info("rule '{}' [{}] {}", rule, l.level(), l.message());
    }
  }

  /**
   * Routes a write to the adapter owning the point; the result is logged, published and returned.
   */
  public CompletionStage<WriteResult> write(WriteCommand command) {
    writesInFlight.incrementAndGet();
    CompletionStage<WriteResult> stage;
    try {
      stage =
          directory
              .find(command.point())
              .<CompletionStage<WriteResult>>map(
                  e ->
                      Objects.requireNonNull(
                          e.adapter().write(command), "the adapter returned no result"))
              .orElseGet(
                  () ->
                      CompletableFuture.completedFuture(
                          WriteResult.rejected(
                              command, "no device offers point " + command.point())));
    } catch (RuntimeException e) {
      // An adapter that throws instead of failing its stage (e.g. on a value it cannot encode)
      // left the write counted in flight for ever and the MQTT command without an answer.
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .exceptionally(e -> WriteResult.failed(command, "adapter error: " + e))
        .thenApply(
            result -> {
              try {
                report(result);
              } finally {
                synchronized (writesInFlight) {
                  writesInFlight.decrementAndGet();
                  writesInFlight.notifyAll();
                }
              }
              return result;
            });
  }

  private void report(WriteResult result) {
    if (result.isOk()) {
      log.info(
          "write {} = {} by {}: OK",
          result.command().point(),
          result.command().value(),
          result.command().origin());
    } else {
      log.warn(
          "write {} = {} by {}: {} {}",
          result.command().point(),
          result.command().value(),
          result.command().origin(),
          result.status(),
          result.detail());
    }
    uplink.publish(
        topics.writeResult(result.command().point()),
        Payloads.writeResult(result, clock.instant()),
        1,
        false);
    try {
      listener.onWriteResult(result);
    } catch (RuntimeException e) {
      log.warn("listener failed: {}", e.toString());
    }
  }

  /** Waits until every write asked for so far has its result, or the deadline passes. */
  public boolean awaitWrites(long deadlineNanos) throws InterruptedException {
    synchronized (writesInFlight) {
      while (writesInFlight.get() > 0) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        writesInFlight.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /** Active alarms as "rule/alarm" → active, for the state snapshot. */
  public Map<String, Boolean> alarms() {
    return Map.copyOf(alarms);
  }
}
