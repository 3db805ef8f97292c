package io.edgerule.sandbox;

/** Whether a rule is run. */
public enum RuleStatus {
  /** Batches are evaluated. */
  ACTIVE,
  /**
   * Too many faults within the fault window: batches are skipped until the re-admission backoff has
   * passed ({@link Rule#readmitAt()}) or {@link RuleEngine#enable(Rule)} re-admits the rule.
   */
  QUARANTINED,
  /**
   * Switched off by an operator ({@link RuleEngine#disable(Rule)}): batches are skipped until
   * {@link RuleEngine#enable(Rule)}; never re-admitted automatically.
   */
  DISABLED
}
