package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import io.edgerule.sandbox.RuleOutcome.Skipped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Automatic re-admission with exponential backoff, and the operator's disable/enable. */
class ReadmissionTest extends EngineFixture {
  private final MutableClock clock = new MutableClock(Events.T0);

  @Override
  protected Clock clock() {
    return clock;
  }

  /** The host's caps set the longest backoff; the test's is 2 minutes. */
  @BeforeEach
  void shortBackoffCap() {
    engine.close();
    engine =
        new RuleEngine(
            RuleLimits.defaults().with(RuleLimit.READMIT_BACKOFF_MAX, Duration.ofMinutes(2)),
            scheduler,
            clock);
  }

  private static final List<PointEvent> BAD = List.of(Events.f64("tank/level", 500));
  private static final List<PointEvent> GOOD = List.of(Events.f64("tank/level", 1));

  private Rule flaky() {
    return load(
        StatefulRules.counter(1),
        StatefulRules.manifest(
            "c", "quarantine_after: 1", "readmit_backoff: 30s", "readmit_backoff_max: 2m"));
  }

  private void quarantinedFor(Rule rule, Duration backoff) {
    assertInstanceOf(Failed.class, engine.evaluate(rule, BAD));
    assertEquals(RuleStatus.QUARANTINED, rule.status());
    assertEquals(clock.instant().plus(backoff), rule.readmitAt().orElseThrow());
    clock.advance(backoff.minusSeconds(1));
    assertInstanceOf(Skipped.class, engine.evaluate(rule, GOOD), "still quarantined");
    clock.advance(Duration.ofSeconds(1));
  }

  @Test
  void backoffDoublesUpToItsCapAndResetsAfterACleanPeriod() {
    Rule rule = flaky();
    quarantinedFor(rule, Duration.ofSeconds(30));
    quarantinedFor(rule, Duration.ofSeconds(60));
    quarantinedFor(rule, Duration.ofSeconds(120));
    quarantinedFor(rule, Duration.ofSeconds(120)); // capped at readmit_backoff_max
    assertInstanceOf(Committed.class, engine.evaluate(rule, GOOD), "re-admitted and clean");
    assertEquals(RuleStatus.ACTIVE, rule.status());
    clock.advance(Duration.ofMinutes(5)); // clean for more than twice the last backoff
    quarantinedFor(rule, Duration.ofSeconds(30));
  }

  @Test
  void aDisabledRuleStaysOffUntilEnabled() {
    Rule rule = flaky();
    engine.disable(rule);
    assertEquals(RuleStatus.DISABLED, rule.status());
    Skipped s = assertInstanceOf(Skipped.class, engine.evaluate(rule, GOOD));
    assertEquals("rule 'c' is disabled", s.reason());
    clock.advance(Duration.ofHours(2));
    assertInstanceOf(Skipped.class, engine.evaluate(rule, GOOD), "never re-admitted by time");
    engine.enable(rule);
    assertEquals(RuleStatus.ACTIVE, rule.status());
    assertInstanceOf(Committed.class, engine.evaluate(rule, GOOD));
    // Disabling a quarantined rule cancels its automatic re-admission.
    assertInstanceOf(Failed.class, engine.evaluate(rule, BAD));
    engine.disable(rule);
    clock.advance(Duration.ofHours(2));
    assertInstanceOf(Skipped.class, engine.evaluate(rule, GOOD));
    engine.enable(rule);
    assertEquals(0, rule.consecutiveQuarantines(), "an operator's enable resets the backoff");
  }

  @Test
  void aSilentRuleIsReadmittedWhenItsBackoffRunsOut() {
    Rule rule = flaky();
    assertInstanceOf(Failed.class, engine.evaluate(rule, BAD));
    assertEquals(RuleStatus.QUARANTINED, rule.status());
    clock.advance(Duration.ofSeconds(29));
    assertEquals(false, engine.readmitIfDue(rule), "not yet due");
    assertEquals(RuleStatus.QUARANTINED, rule.status());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(true, engine.readmitIfDue(rule), "due: re-admitted without an event");
    assertEquals(RuleStatus.ACTIVE, rule.status());
    assertEquals(false, engine.readmitIfDue(rule), "an active rule is left alone");
    engine.disable(rule);
    clock.advance(Duration.ofHours(2));
    assertEquals(false, engine.readmitIfDue(rule), "a disabled rule waits for an operator");
    assertEquals(RuleStatus.DISABLED, rule.status());
  }
}
