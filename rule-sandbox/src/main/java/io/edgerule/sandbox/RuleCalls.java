package io.edgerule.sandbox;

import io.edgerule.adapter.DurationText;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import io.edgerule.sandbox.RuleOutcome.Skipped;
import io.edgerule.sandbox.internal.GuardedCall;
import io.edgerule.sandbox.internal.RuleInstance;
import io.edgerule.sandbox.internal.RuleState;
import io.edgerule.sandbox.internal.Watchdog;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of a rule ({@code er_on_events} or {@code er_on_tick}) and what follows from it: skipped
 * while the rule is unloaded, disabled or quarantined; a fresh instance after a fault; the call
 * under the rule's deadline; its actions and state changes committed together or not at all; a
 * fault counted towards quarantine; re-admission once the backoff has run out.
 */
final class RuleCalls {
  // The engine's logger: what happens to a rule is logged under one name.
  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

  private final Watchdog watchdog;
  private final Clock clock;
  private final RuleStateStore stateStore;
  private final InstanceStarts starts;

  RuleCalls(Watchdog watchdog, Clock clock, RuleStateStore stateStore, InstanceStarts starts) {
    this.watchdog = watchdog;
    this.clock = clock;
    this.stateStore = stateStore;
    this.starts = starts;
  }

  /**
   * @param prepare host work before the call, outside the deadline; false: nothing to run
   * @param body the rule's call, under the deadline
   */
  RuleOutcome call(
      Rule rule,
      String export,
      Predicate<RuleInstance> prepare,
      Function<RuleInstance, List<RuleAction>> body) {
    Objects.requireNonNull(rule, "rule");
    if (rule.unloaded) {
      return new Skipped("rule '" + rule.name() + "' is unloaded");
    }
    if (rule.status() == RuleStatus.DISABLED) {
      return new Skipped("rule '" + rule.name() + "' is disabled");
    }
    readmitIfDue(rule);
    if (rule.status() == RuleStatus.QUARANTINED) {
      return new Skipped(
          "rule '"
              + rule.name()
              + "' is quarantined"
              + rule.quarantineCause()
                  .map(f -> " (" + f.kind() + ": " + f.message() + ")")
                  .orElse(""));
    }
    if (Thread.currentThread().isInterrupted()) {
      return new Skipped("the calling thread is interrupted; the rule was not run");
    }
    RuleInstance instance = rule.instance;
    if (instance == null) {
      GuardedCall.Result<RuleInstance> started = starts.tryStart(rule);
      if (started instanceof GuardedCall.Fault<RuleInstance> f) {
        return fault(
            rule, f.kind(), "re-initialisation after a fault failed: " + f.message(), null);
      }
      if (started instanceof GuardedCall.Interrupted<RuleInstance>) {
        return new Skipped("interrupted by the host while re-initialising the rule");
      }
      instance = ((GuardedCall.Ok<RuleInstance>) started).value();
      rule.instance = instance;
    }
    RuleInstance running = instance;
    if (!prepare.test(running)) {
      return new Committed(List.of()); // nothing in the batch is for this rule
    }
    GuardedCall.Result<List<RuleAction>> result;
    try {
      result =
          GuardedCall.run(
              watchdog,
              rule.slot,
              rule.limits().deadline(),
              export,
              "limits.deadline",
              () -> body.apply(running));
    } catch (IllegalStateException e) {
      return new Skipped("not run: " + e.getMessage());
    }
    if (result instanceof GuardedCall.Ok<List<RuleAction>> ok) {
      return commit(rule, ok.value());
    }
    rule.state.discard();
    rule.instance = null; // never run again on memory a failure may have left half-updated
    if (result instanceof GuardedCall.Fault<List<RuleAction>> f) {
      return fault(rule, f.kind(), f.message(), null);
    }
    return new Skipped("interrupted by the host; nothing committed");
  }

  /**
   * A call returned normally: its actions pass the rate limit and its state changes are saved, or
   * the call fails and neither its actions nor its state changes are committed.
   */
  private RuleOutcome commit(Rule rule, List<RuleAction> actions) {
    if (!actions.isEmpty() && !rule.rate.tryTake(actions.size(), clock.millis())) {
      rule.state.discard();
      // A fault discards the instance like any other: its memory believes this call's actions
      // and state changes went through, and the next call must not run on that belief.
      rule.instance = null;
      return fault(
          rule,
          FailureKind.LIMIT,
          actions.size()
              + " actions exceed the rule's rate of "
              + rule.rate.perSecond()
              + " per second (limits.actions_per_second); none committed",
          null);
    }
    RuleState state = rule.state;
    if (state.dirty()) {
      if (rule.persistent) {
        try {
          stateStore.save(rule.name(), state.pending());
        } catch (IOException | RuntimeException e) {
          state.discard();
          rule.instance = null; // as above: nothing was committed, the instance thinks otherwise
          LOG.error("rule '{}': cannot save its state", rule.name(), e);
          return fault(
              rule,
              FailureKind.RESOURCE,
              "cannot save the rule's state: " + e.getMessage() + "; none committed",
              e);
        }
      }
      state.commit();
    }
    return new Committed(actions);
  }

  private Failed fault(Rule rule, FailureKind kind, String message, Throwable cause) {
    RuleFault fault = new RuleFault(clock.instant(), kind, message);
    rule.noteFault(fault.at());
    boolean quarantine = rule.faults.record(fault);
    if (quarantine && rule.status() == RuleStatus.ACTIVE) {
      rule.quarantine(fault);
      LOG.warn(
          "rule '{}' quarantined: {} faults within {}; last: {} {}; re-admission at {}",
          rule.name(),
          rule.limits().quarantineAfter(),
          DurationText.format(rule.limits().faultWindow()),
          kind,
          message,
          rule.readmitAt().map(Instant::toString).orElse("?"));
    } else {
      LOG.debug("rule '{}' fault: {} {}", rule.name(), kind, message, cause);
    }
    return new Failed(kind, message);
  }

  /**
   * Re-admits a quarantined rule whose backoff has run out.
   *
   * @return true if the rule was re-admitted now
   */
  boolean readmitIfDue(Rule rule) {
    if (rule.unloaded || rule.status() != RuleStatus.QUARANTINED) {
      return false;
    }
    Instant due = rule.readmitAt().orElse(null);
    if (due == null || clock.instant().isBefore(due)) {
      return false;
    }
    readmit(rule, "automatically after its backoff");
    return true;
  }

  void readmit(Rule rule, String how) {
    rule.faults.reset();
    rule.instance = null;
    rule.activate();
    LOG.info("rule '{}' re-admitted {}", rule.name(), how);
  }
}
