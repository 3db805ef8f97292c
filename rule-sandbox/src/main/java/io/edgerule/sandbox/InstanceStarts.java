package io.edgerule.sandbox;

import io.edgerule.sandbox.internal.Abi;
import io.edgerule.sandbox.internal.GuardedCall;
import io.edgerule.sandbox.internal.HeapBudget;
import io.edgerule.sandbox.internal.RuleInstance;
import io.edgerule.sandbox.internal.Watchdog;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a rule's instance: instantiation, the start section and {@code er_init} under the rule's
 * init deadline, at load and again after a fault discarded the previous instance. Whatever goes
 * wrong is the rule's failure, never the caller's thread's.
 */
final class InstanceStarts {
  // The engine's logger: a rule's init lines are logged under the same name as its other lines.
  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

  private final Watchdog watchdog;
  private final Clock clock;

  InstanceStarts(Watchdog watchdog, Clock clock) {
    this.watchdog = watchdog;
    this.clock = clock;
  }

  /** Instantiates and initialises at load; throws RuleLoadException with what went wrong. */
  RuleInstance atLoad(Rule rule) {
    GuardedCall.Result<RuleInstance> result = tryStart(rule);
    if (result instanceof GuardedCall.Ok<RuleInstance> ok) {
      return ok.value();
    }
    if (result instanceof GuardedCall.Fault<RuleInstance> f) {
      throw new RuleLoadException(rule.name(), rule.source().orElse(null), f.message());
    }
    Thread.currentThread().interrupt(); // keep the host's interrupt for its caller
    throw new RuleLoadException(
        rule.name(), rule.source().orElse(null), "interrupted by the host during init");
  }

  /** A fresh instance through the start section and er_init, under the init deadline. */
  GuardedCall.Result<RuleInstance> tryStart(Rule rule) {
    RuleInstance instance;
    try {
      instance =
          RuleInstance.create(
              rule.compiled,
              rule.checked,
              rule.manifest(),
              rule.limits(),
              clock,
              rule.state,
              new HeapBudget(rule.tableHeap));
    } catch (RuntimeException e) {
      return new GuardedCall.Fault<>(FailureKind.TRAP, "cannot instantiate: " + e.getMessage());
    } catch (OutOfMemoryError e) {
      return new GuardedCall.Fault<>(
          FailureKind.RESOURCE, "cannot instantiate: the JVM ran out of heap memory");
    } catch (Throwable e) {
      // Whatever else instantiation throws is this rule's failure, never the caller's thread's.
      return new GuardedCall.Fault<>(
          FailureKind.TRAP,
          "cannot instantiate: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    GuardedCall.Result<List<RuleAction>> result;
    try {
      result =
          GuardedCall.run(
              watchdog,
              rule.slot,
              rule.limits().initDeadline(),
              "start section + " + Abi.INIT,
              "limits.init_deadline",
              instance::initialize);
    } catch (IllegalStateException e) {
      return new GuardedCall.Fault<>(FailureKind.RESOURCE, e.getMessage());
    }
    if (result instanceof GuardedCall.Ok<List<RuleAction>> ok) {
      logInitLines(rule, ok.value());
      return new GuardedCall.Ok<>(instance);
    }
    if (result instanceof GuardedCall.Fault<List<RuleAction>> f) {
      return new GuardedCall.Fault<>(f.kind(), f.message());
    }
    return new GuardedCall.Interrupted<>();
  }

  private static void logInitLines(Rule rule, List<RuleAction> actions) {
    for (RuleAction a : actions) {
      if (a instanceof RuleAction.Log log) {
        LOG.atLevel(log.level()).log("rule '{}' init: {}", rule.name(), log.message());
      }
    }
  }
}
