package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.RuleAction.WritePoint;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import io.edgerule.sandbox.RuleOutcome.Skipped;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QuarantineTest extends EngineFixture {
  private final MutableClock clock = new MutableClock(Events.T0);

  @Override
  protected Clock clock() {
    return clock;
  }

  private Rule example(String name) {
    RuleManifest manifest = RuleManifest.load(ExampleRulesTest.EXAMPLES.resolve(name + ".yaml"));
    return engine.load(manifest.name(), manifest.module().orElseThrow(), manifest);
  }

  private Rule trapper() {
    return engine.load(
        "trap",
        Wat.rule("(func (export \"er_on_events\") (param i32 i32) (result i32) unreachable)"),
        named("trap", "limits: {quarantine_after: 3, fault_window: 2m}"));
  }

  private static final List<io.edgerule.adapter.PointEvent> ONE =
      List.of(Events.f64("tank/level", 1));

  @Test
  void aSpinningRuleIsQuarantinedWhileAnotherRuleBesideItStaysCorrect() throws Exception {
    Rule spin = example("spin"); // 20 ms deadline, quarantine after 3 faults in 60 s
    Rule pump = example("pump");
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Callable<List<RuleOutcome>> spinning =
          () -> {
            List<RuleOutcome> outs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
              outs.add(engine.evaluate(spin, List.of(Events.f64("tank/level", 50))));
            }
            return outs;
          };
      Callable<List<String>> pumping =
          () -> {
            List<String> writes = new ArrayList<>();
            double[] levels = {50, 85, 90, 40, 15, 10, 50, 81};
            for (int round = 0; round < 20; round++) {
              for (double level : levels) {
                RuleOutcome out = engine.evaluate(pump, List.of(Events.f64("tank/level", level)));
                for (RuleAction a : assertInstanceOf(Committed.class, out).actions()) {
                  writes.add(level + "->" + ((WritePoint) a).value());
                }
              }
            }
            return writes;
          };
      Future<List<RuleOutcome>> spinResult = threads.submit(spinning);
      Future<List<String>> pumpResult = threads.submit(pumping);

      List<RuleOutcome> spinOuts = spinResult.get(30, TimeUnit.SECONDS);
      for (int i = 0; i < 3; i++) {
        assertEquals(FailureKind.DEADLINE, assertInstanceOf(Failed.class, spinOuts.get(i)).kind());
      }
      Skipped skipped = assertInstanceOf(Skipped.class, spinOuts.get(3));
      assertEquals(
          "rule 'spin' is quarantined (DEADLINE: er_on_events did not finish within 20ms"
              + " (limits.deadline))",
          skipped.reason());
      assertInstanceOf(Skipped.class, spinOuts.get(4));
      assertEquals(RuleStatus.QUARANTINED, spin.status());
      assertEquals(3, spin.faultCount(), "skipped batches are not faults");

      List<String> expected = new ArrayList<>();
      expected.add("85.0->true");
      for (int round = 0; round < 20; round++) {
        expected.add("15.0->false");
        expected.add("81.0->true");
      }
      assertEquals(expected, pumpResult.get(30, TimeUnit.SECONDS));
      assertEquals(RuleStatus.ACTIVE, pump.status());
      assertEquals(0, pump.faultCount());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void onlyFaultsWithinTheWindowCount() {
    Rule rule = trapper();
    // The manifest's 2 min window is longer (stricter) than the host's 60 s, so it applies.
    assertEquals(Duration.ofMinutes(2), rule.limits().faultWindow());
    engine.evaluate(rule, ONE);
    clock.advance(Duration.ofSeconds(70));
    engine.evaluate(rule, ONE);
    clock.advance(Duration.ofSeconds(70)); // the first fault is now 140 s old
    engine.evaluate(rule, ONE);
    assertEquals(RuleStatus.ACTIVE, rule.status(), () -> "2 faults within 2 min: " + rule.faults());
    engine.evaluate(rule, ONE);
    assertEquals(RuleStatus.QUARANTINED, rule.status(), "3 faults within 2 min");
    assertEquals(4, rule.faults().size());
    assertEquals(Events.T0, rule.faults().get(0).at());
    assertEquals(FailureKind.TRAP, rule.quarantineCause().orElseThrow().kind());
  }

  @Test
  void enableReadmitsAQuarantinedRuleWithAFreshWindow() {
    Rule rule = trapper();
    for (int i = 0; i < 3; i++) {
      engine.evaluate(rule, ONE);
    }
    assertEquals(RuleStatus.QUARANTINED, rule.status());
    assertInstanceOf(Skipped.class, engine.evaluate(rule, ONE));
    engine.enable(rule);
    assertEquals(RuleStatus.ACTIVE, rule.status());
    assertTrue(rule.quarantineCause().isEmpty());
    assertInstanceOf(Failed.class, engine.evaluate(rule, ONE), "it runs again");
    assertEquals(RuleStatus.ACTIVE, rule.status(), "one fault in the fresh window");
    assertEquals(4, rule.faultCount());
  }

  @Test
  void aFailedReinitialisationIsAFaultOfItsOwnKind() {
    // er_init loops forever once the clock has passed T0 + 1 s; er_on_events always traps.
    long limit = Events.T0.toEpochMilli() + 1000;
    Rule rule =
        engine.load(
            "reinit",
            Wat.module(
                Wat.MARKER,
                Wat.MEMORY,
                Wat.BUFFER,
                "(import \"gw\" \"now_ms\" (func $now (result i64)))",
                "(func (export \"er_init\") (result i32)"
                    + " (if (i64.gt_s (call $now) (i64.const "
                    + limit
                    + ")) (then (loop $l (br $l)))) (i32.const 0))",
                "(func (export \"er_on_events\") (param i32 i32) (result i32) unreachable)"),
            named("reinit", "limits: {init_deadline: 50ms}"));
    assertEquals(
        FailureKind.TRAP, assertInstanceOf(Failed.class, engine.evaluate(rule, ONE)).kind());
    clock.advance(Duration.ofSeconds(2));
    Failed f = assertInstanceOf(Failed.class, engine.evaluate(rule, ONE));
    assertEquals(FailureKind.DEADLINE, f.kind());
    assertEquals(
        "re-initialisation after a fault failed: start section + er_init did not finish within"
            + " 50ms (limits.init_deadline)",
        f.message());
    assertEquals(2, rule.faultCount());
  }

  @Test
  void anInterruptFromTheHostIsNotAFault() {
    Rule pump = example("pump");
    Thread.currentThread().interrupt();
    try {
      Skipped s = assertInstanceOf(Skipped.class, engine.evaluate(pump, ONE));
      assertEquals("the calling thread is interrupted; the rule was not run", s.reason());
      assertTrue(Thread.currentThread().isInterrupted(), "the host's interrupt is kept");
    } finally {
      Thread.interrupted();
    }
    assertEquals(0, pump.faultCount());
    assertEquals(
        List.of(new WritePoint(PointId.parse("tank/pump"), PointValue.of(true))),
        assertInstanceOf(
                Committed.class, engine.evaluate(pump, List.of(Events.f64("tank/level", 99))))
            .actions());
  }
}
