package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.sandbox.RuleAction.ClearAlarm;
import io.edgerule.sandbox.RuleAction.RaiseAlarm;
import io.edgerule.sandbox.RuleAction.WritePoint;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed example modules in examples/rules behave as their sources say. */
class ExampleRulesTest extends EngineFixture {
  static final Path EXAMPLES = Path.of("..", "examples", "rules");

  private Rule example(String name) {
    RuleManifest manifest = RuleManifest.load(EXAMPLES.resolve(name + ".yaml"));
    return engine.load(manifest.name(), manifest.module().orElseThrow(), manifest);
  }

  private List<RuleAction> feed(Rule rule, PointEvent... events) {
    RuleOutcome out = engine.evaluate(rule, List.of(events));
    return assertInstanceOf(Committed.class, out, () -> out.toString()).actions();
  }

  @Test
  void overtempRaisesAbove80AndClearsBelow75Only() {
    Rule rule = example("overtemp");
    String t = "tank/temperature";
    List<String> seen = new ArrayList<>();
    double[] readings = {70, 79.9, 80.0, 80.1, 85, 79, 75.0, 76, 80.5, 74.9, 74, 81};
    for (double r : readings) {
      for (RuleAction a : feed(rule, Events.f64(t, r))) {
        seen.add(r + ":" + (a instanceof RaiseAlarm ? "raise" : "clear"));
      }
    }
    // 80.0 is not above 80; 75.0 is not below 75: the band between holds the state.
    assertEquals(List.of("80.1:raise", "74.9:clear", "81.0:raise"), seen);
  }

  @Test
  void overtempAlarmCarriesNameSeverityAndMessage() {
    Rule rule = example("overtemp");
    assertEquals(
        List.of(new RaiseAlarm("overtemp", 700, "tank/temperature above 80.0")),
        feed(rule, Events.f64("tank/temperature", 90)));
    assertEquals(
        List.of(new ClearAlarm("overtemp")), feed(rule, Events.f64("tank/temperature", 20)));
  }

  @Test
  void overtempIgnoresBadQualityAndOtherPoints() {
    Rule rule = example("overtemp");
    assertEquals(
        List.of(),
        feed(
            rule,
            Events.of(
                "tank/temperature", PointValue.of(99.0), Quality.bad("timeout after 1000 ms")),
            Events.f64("tank/level", 99)));
    assertEquals(
        1, feed(rule, Events.of("tank/temperature", PointValue.of(95L))).size(), "int64 counts");
  }

  @Test
  void pumpWritesOnlyWhenTheWantedStateChanges() {
    Rule rule = example("pump");
    String level = "tank/level";
    List<String> writes = new ArrayList<>();
    double[] readings = {50, 79, 80, 85, 90, 50, 21, 20, 10, 5, 50, 80, 81};
    for (double r : readings) {
      for (RuleAction a : feed(rule, Events.f64(level, r))) {
        WritePoint w = assertInstanceOf(WritePoint.class, a);
        assertEquals(PointId.parse("tank/pump"), w.point());
        writes.add(r + "->" + w.value());
      }
    }
    assertEquals(List.of("80.0->true", "20.0->false", "80.0->true"), writes);
  }

  @Test
  void pumpHandlesAWholeBatchInOneCall() {
    Rule rule = example("pump");
    List<RuleAction> actions =
        feed(
            rule,
            Events.f64("tank/level", 85),
            Events.f64("tank/level", 86),
            Events.f64("tank/level", 15),
            Events.f64("tank/level", 14));
    assertEquals(
        List.of(
            new WritePoint(PointId.parse("tank/pump"), PointValue.of(true)),
            new WritePoint(PointId.parse("tank/pump"), PointValue.of(false))),
        actions);
  }

  @Test
  void aBatchWithNothingForTheRuleDoesNotRunIt() {
    Rule rule = example("spin"); // would overrun if called
    RuleOutcome out = engine.evaluate(rule, List.of(Events.f64("tank/temperature", 1)));
    assertEquals(List.of(), assertInstanceOf(Committed.class, out).actions());
    assertEquals(0, rule.faultCount());
  }

  @Test
  void spinIsStoppedAtItsDeadline() {
    Rule rule = example("spin");
    long start = System.nanoTime();
    RuleOutcome out = engine.evaluate(rule, List.of(Events.f64("tank/level", 1)));
    long ms = (System.nanoTime() - start) / 1_000_000;
    Failed f = assertInstanceOf(Failed.class, out);
    assertEquals(FailureKind.DEADLINE, f.kind());
    assertEquals("er_on_events did not finish within 20ms (limits.deadline)", f.message());
    // Stopped at all (a generous bound for a loaded machine; how soon: DeadlineBenchmark).
    assertTrue(ms < 10_000, "stopped after " + ms + " ms");
    assertTrue(!Thread.currentThread().isInterrupted(), "the watchdog's interrupt is cleared");
  }
}
