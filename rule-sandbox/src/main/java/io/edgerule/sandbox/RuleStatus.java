package io.edgerule.sandbox;

/** Whether a rule is run. */
public enum RuleStatus {
  /** Batches are evaluated. */
  ACTIVE,
  /**
   * Too many faults within the fault window: batches are skipped until {@link
   * RuleEngine#enable(Rule)} re-admits the rule.
   */
  QUARANTINED
}
