package io.edgerule.sandbox;

import io.edgerule.adapter.PointEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A candidate version of a rule running on the same live events as the active one: the daemon runs
 * the candidate after the active version on every batch and tick ({@link #evaluate}, {@link
 * #tick}), executes only the active version's actions and feeds both outcomes here. Thread-safe for
 * one runner and any number of {@link #report} readers.
 */
public final class ShadowRun {
  /** How many differences a report keeps. */
  public static final int KEEP = 20;

  private final RuleEngine engine;
  private final Rule candidate;
  private final List<ShadowReport.Difference> differences = new ArrayList<>();
  private long calls;
  private long matched;
  private long differed;
  private long candidateFailures;

  public ShadowRun(RuleEngine engine, Rule candidate) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.candidate = Objects.requireNonNull(candidate, "candidate");
  }

  public Rule candidate() {
    return candidate;
  }

  /** Runs the candidate on the batch the active version just ran and records the comparison. */
  public RuleOutcome evaluate(List<PointEvent> batch, RuleOutcome active) {
    RuleOutcome outcome = engine.evaluate(candidate, batch);
    record(
        batch.isEmpty() ? -1 : batch.get(0).sequence(),
        batch.isEmpty() ? -1 : batch.get(batch.size() - 1).sequence(),
        active,
        outcome);
    return outcome;
  }

  /** Runs the candidate's tick after the active version's and records the comparison. */
  public RuleOutcome tick(RuleOutcome active) {
    if (!candidate.manifest().tickPeriod().isPresent()) {
      return new RuleOutcome.Skipped("the candidate has no tick");
    }
    RuleOutcome outcome = engine.tick(candidate);
    record(-1, -1, active, outcome);
    return outcome;
  }

  /** Records one comparison (public for callers that run the candidate themselves). */
  public synchronized void record(
      long firstSequence, long lastSequence, RuleOutcome active, RuleOutcome candidateOutcome) {
    if (active instanceof RuleOutcome.Skipped || candidateOutcome instanceof RuleOutcome.Skipped) {
      if (candidateOutcome instanceof RuleOutcome.Skipped
          && !(active instanceof RuleOutcome.Skipped)) {
        candidateFailures++; // a quarantined candidate is as good as failing
      }
      return;
    }
    calls++;
    if (candidateOutcome instanceof RuleOutcome.Failed) {
      candidateFailures++;
    }
    if (same(active, candidateOutcome)) {
      matched++;
    } else {
      differed++;
      if (differences.size() < KEEP) {
        differences.add(
            new ShadowReport.Difference(firstSequence, lastSequence, active, candidateOutcome));
      }
    }
  }

  private static boolean same(RuleOutcome a, RuleOutcome b) {
    if (a instanceof RuleOutcome.Committed ca && b instanceof RuleOutcome.Committed cb) {
      return ca.actions().equals(cb.actions());
    }
    return a instanceof RuleOutcome.Failed && b instanceof RuleOutcome.Failed;
  }

  public synchronized ShadowReport report() {
    return new ShadowReport(
        candidate.name(),
        candidate.moduleDigest(),
        calls,
        matched,
        differed,
        candidateFailures,
        differences);
  }
}
