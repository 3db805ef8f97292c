package io.edgerule.daemon.metrics;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.metrics.Counter;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.sandbox.FailureKind;
import io.edgerule.sandbox.RuleOutcome;
import io.edgerule.sandbox.RuleStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts each rule's outcomes on their way to the next handler (the OTA health counters, then the
 * action dispatcher): evaluations (batches and ticks), their time, traps, deadline misses, other
 * failures, quarantines and committed actions, under {@code edgerule_rule_*{rule}}. The meters of a
 * rule are made at its first outcome and kept by name across versions (a hot swap goes on
 * counting).
 *
 * <p>Runs on the rule's thread, once per batch (never per event): one lookup by rule name, then
 * counter increments and one timer observation.
 */
public final class RuleMeters implements RuleSlot.OutcomeHandler {
  private final PrometheusMetrics metrics;
  private final RuleSlot.OutcomeHandler next;
  private final Map<String, Bound> byRule = new ConcurrentHashMap<>();

  private static final class Bound {
    final Counter evaluations;
    final PrometheusMetrics.PrometheusTimer time;
    final Counter traps;
    final Counter deadlineMisses;
    final Counter failures;
    final Counter quarantines;
    final Counter actions;
    boolean quarantined; // the rule's turns never overlap: touched by one thread at a time

    Bound(PrometheusMetrics m, String rule) {
      Labels l = Labels.of("rule", rule);
      evaluations =
          m.counter("edgerule_rule_evaluations_total", "Batches and ticks the rule ran", l);
      time = m.timer("edgerule_rule_evaluation_seconds", "Time of one batch or tick", l);
      traps =
          m.counter("edgerule_rule_traps_total", "Evaluations that trapped or broke the ABI", l);
      deadlineMisses =
          m.counter(
              "edgerule_rule_deadline_misses_total",
              "Evaluations stopped at the rule's deadline",
              l);
      failures =
          m.counter(
              "edgerule_rule_failures_total",
              "Evaluations that failed for any reason (traps, deadlines, limits, denials, resources)",
              l);
      quarantines =
          m.counter("edgerule_rule_quarantines_total", "Times the rule was quarantined", l);
      actions =
          m.counter(
              "edgerule_rule_actions_total",
              "Actions committed (writes, publications, alarms, logs)",
              l);
    }
  }

  public RuleMeters(PrometheusMetrics metrics, RuleSlot.OutcomeHandler next) {
    this.metrics = metrics;
    this.next = next;
  }

  @Override
  public void handle(RuleSlot slot, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
    Bound b = byRule.computeIfAbsent(slot.name(), name -> new Bound(metrics, name));
    if (!(outcome instanceof RuleOutcome.Skipped)) {
      b.evaluations.increment();
      b.time.record(elapsed.toNanos());
    }
    if (outcome instanceof RuleOutcome.Committed c) {
      b.actions.add(c.actions().size());
    } else if (outcome instanceof RuleOutcome.Failed f) {
      b.failures.increment();
      if (f.kind() == FailureKind.TRAP || f.kind() == FailureKind.ABI) {
        b.traps.increment();
      } else if (f.kind() == FailureKind.DEADLINE) {
        b.deadlineMisses.increment();
      }
    }
    boolean quarantined = slot.rule().status() == RuleStatus.QUARANTINED;
    if (quarantined && !b.quarantined) {
      b.quarantines.increment();
    }
    b.quarantined = quarantined;
    next.handle(slot, batch, outcome, elapsed);
  }

  /** A rule's evaluation time over the last minute, or empty before its first evaluation. */
  public Timing timing(String rule) {
    Bound b = byRule.get(rule);
    if (b == null) {
      return Timing.NONE;
    }
    return new Timing(b.time.count(), quantile(b, 0.5), quantile(b, 0.99));
  }

  private static OptionalDouble quantile(Bound b, double q) {
    double nanos = b.time.quantileNanos(q);
    return Double.isNaN(nanos) ? OptionalDouble.empty() : OptionalDouble.of(nanos / 1e6);
  }

  /**
   * How long a rule's evaluations take.
   *
   * @param p50Millis median over the last minute, empty when none ran in it
   * @param p99Millis 99th percentile over the last minute
   */
  public record Timing(long evaluations, OptionalDouble p50Millis, OptionalDouble p99Millis) {
    public static final Timing NONE = new Timing(0, OptionalDouble.empty(), OptionalDouble.empty());
  }
}
