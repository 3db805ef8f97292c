package io.edgerule.daemon.ota;

import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.pipeline.RuleSlot;
import io.edgerule.ota.device.RuleHealth;
import io.edgerule.sandbox.FailureKind;
import io.edgerule.sandbox.RuleOutcome;
import io.edgerule.sandbox.RuleStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts each rule's calls and failed calls by kind on their way to the action dispatcher: the
 * trial's health gate (traps, deadline misses, error rate) reads them. Counters are kept by rule
 * name across versions; the gate compares two samples.
 */
public final class HealthCounters implements RuleSlot.OutcomeHandler {
  private final RuleSlot.OutcomeHandler next;
  private final Map<String, Counts> byRule = new ConcurrentHashMap<>();

  private static final class Counts {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong traps = new AtomicLong();
    final AtomicLong deadlines = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    volatile String lastError;
  }

  public HealthCounters(RuleSlot.OutcomeHandler next) {
    this.next = next;
  }

  @Override
  public void handle(RuleSlot slot, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
    if (!(outcome instanceof RuleOutcome.Skipped)) {
      Counts c = byRule.computeIfAbsent(slot.name(), k -> new Counts());
      c.calls.incrementAndGet();
      if (outcome instanceof RuleOutcome.Failed f) {
        c.failures.incrementAndGet();
        if (f.kind() == FailureKind.TRAP || f.kind() == FailureKind.ABI) {
          c.traps.incrementAndGet();
        } else if (f.kind() == FailureKind.DEADLINE) {
          c.deadlines.incrementAndGet();
        }
        c.lastError = f.kind() + ": " + f.message();
      }
    }
    next.handle(slot, batch, outcome, elapsed);
  }

  /** The counters of {@code rules} among the loaded {@code slots}. */
  public RuleHealth sample(Collection<String> rules, List<RuleSlot> slots) {
    long calls = 0;
    long traps = 0;
    long deadlines = 0;
    long failures = 0;
    Set<String> quarantined = new HashSet<>();
    Set<String> missing = new HashSet<>(rules);
    Map<String, String> lastErrors = new HashMap<>();
    for (RuleSlot s : slots) {
      if (!rules.contains(s.name())) {
        continue;
      }
      missing.remove(s.name());
      if (s.rule().status() == RuleStatus.QUARANTINED) {
        quarantined.add(s.name());
      }
      Counts c = byRule.get(s.name());
      if (c != null) {
        calls += c.calls.get();
        traps += c.traps.get();
        deadlines += c.deadlines.get();
        failures += c.failures.get();
        if (c.lastError != null) {
          lastErrors.put(s.name(), c.lastError);
        }
      }
    }
    return new RuleHealth(calls, traps, deadlines, failures, quarantined, missing, lastErrors);
  }
}
