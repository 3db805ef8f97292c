package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hot swap hands the state over; a shadow candidate is compared and never committed. */
class SwapAndShadowTest extends EngineFixture {
  private static final List<PointEvent> TWO =
      List.of(Events.f64("tank/level", 1), Events.f64("tank/level", 2));

  @Test
  void aSwappedVersionContinuesFromTheOldVersionsState() {
    Rule v1 = load(StatefulRules.counter(1), StatefulRules.manifest("c"));
    assertEquals(2, RuleStateTest.reported(engine.evaluate(v1, TWO)));
    Rule v2 = engine.prepareSwap(v1, StatefulRules.counter(10), "v2", StatefulRules.manifest("c"));
    assertEquals(4, RuleStateTest.reported(engine.evaluate(v1, TWO)), "v1 runs until the switch");
    engine.completeSwap(v1, v2);
    assertEquals(24, RuleStateTest.reported(engine.evaluate(v2, TWO)), "4 + 2 x 10");
    assertInstanceOf(RuleOutcome.Skipped.class, engine.evaluate(v1, TWO), "v1 is unloaded");
    assertEquals(1, engine.rules().size());
  }

  @Test
  void aBrokenNewVersionLeavesTheOldOneRunning() {
    Rule v1 = load(StatefulRules.counter(1), StatefulRules.manifest("c"));
    assertThrows(
        RuleLoadException.class,
        () -> engine.prepareSwap(v1, new byte[] {0, 'a', 's'}, "bad", StatefulRules.manifest("c")));
    assertEquals(2, RuleStateTest.reported(engine.evaluate(v1, TWO)));
  }

  @Test
  void anIdenticalCandidateMatchesEveryCall() {
    Rule active = load(StatefulRules.counter(1), StatefulRules.manifest("c"));
    ShadowRun shadow =
        new ShadowRun(
            engine,
            engine.loadShadow(
                active, StatefulRules.counter(1), "same", StatefulRules.manifest("c")));
    for (int i = 0; i < 5; i++) {
      shadow.evaluate(TWO, engine.evaluate(active, TWO));
    }
    ShadowReport r = shadow.report();
    assertEquals(5, r.calls());
    assertEquals(5, r.matched());
    assertEquals(0, r.differed());
    assertTrue(r.differences().isEmpty());
    assertEquals(10, RuleStateTest.counter(active), "the active state is the active rule's own");
  }

  @Test
  void aCandidateWithAnotherThresholdIsReportedWithTheTriggeringSequence() {
    Rule active = load(StatefulRules.threshold(50), StatefulRules.manifest("t"));
    Rule candidate =
        engine.loadShadow(active, StatefulRules.threshold(40), "t40", StatefulRules.manifest("t"));
    ShadowRun shadow = new ShadowRun(engine, candidate);
    double[] levels = {30, 45, 60, 45, 10};
    long[] sequences = new long[levels.length];
    for (int i = 0; i < levels.length; i++) {
      PointEvent e = Events.f64("tank/level", levels[i]);
      sequences[i] = e.sequence();
      shadow.evaluate(List.of(e), engine.evaluate(active, List.of(e)));
    }
    ShadowReport r = shadow.report();
    assertEquals(5, r.calls());
    assertEquals(3, r.matched());
    assertEquals(2, r.differed());
    assertEquals(0, r.candidateFailures());
    assertEquals(sequences[1], r.differences().get(0).firstSequence());
    assertEquals(sequences[3], r.differences().get(1).firstSequence());
    assertEquals(0, RuleStateTest.reported(r.differences().get(0).active()));
    assertEquals(1, RuleStateTest.reported(r.differences().get(0).candidate()));
    assertFalse(candidate.state().containsKey("n"));
  }
}
