package io.edgerule.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * The result of one batch (or tick): either every action the rule staged ({@link Committed}), or
 * none of them ({@link Failed}, {@link Skipped}).
 */
public sealed interface RuleOutcome
    permits RuleOutcome.Committed, RuleOutcome.Failed, RuleOutcome.Skipped {

  /** The call returned normally: its staged actions, in the order the rule emitted them. */
  record Committed(List<RuleAction> actions) implements RuleOutcome {
    public Committed {
      actions = List.copyOf(actions);
    }
  }

  /** The call failed; none of its actions are committed. Counts as a fault of the rule. */
  record Failed(FailureKind kind, String message) implements RuleOutcome {
    public Failed {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The rule was not run (it is quarantined, unloaded, or the calling thread was interrupted by the
   * host). Not a fault.
   */
  record Skipped(String reason) implements RuleOutcome {
    public Skipped {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
