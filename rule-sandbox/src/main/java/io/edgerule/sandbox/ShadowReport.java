package io.edgerule.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * How a shadow candidate compared with the active version of a rule so far.
 *
 * @param rule the rule's name
 * @param candidateDigest SHA-256 of the candidate's module
 * @param calls batches and ticks both versions were given
 * @param matched calls where both committed the same actions in the same order (or both failed)
 * @param differed calls where the committed actions differ, or only one of them failed
 * @param candidateFailures calls the candidate failed (trap, deadline, limit, ...)
 * @param differences the first differences, oldest first (at most {@link ShadowRun#KEEP})
 */
public record ShadowReport(
    String rule,
    String candidateDigest,
    long calls,
    long matched,
    long differed,
    long candidateFailures,
    List<Difference> differences) {
  public ShadowReport {
    Objects.requireNonNull(rule, "rule");
    differences = List.copyOf(differences);
  }

  /**
   * One call where the versions disagreed.
   *
   * @param firstSequence sequence number of the batch's first event; -1 for a tick
   * @param lastSequence sequence number of the batch's last event; -1 for a tick
   * @param active what the active version committed (or how it failed)
   * @param candidate what the candidate would have committed (or how it failed)
   */
  public record Difference(
      long firstSequence, long lastSequence, RuleOutcome active, RuleOutcome candidate) {}
}
