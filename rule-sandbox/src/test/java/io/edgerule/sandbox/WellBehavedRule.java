package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.RuleOutcome.Committed;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The neighbour of the host-call fuzz: a rule that writes its event's value to pump/out and
 * publishes "hello" to status. Loaded beside the hostile rules, it must keep producing exactly
 * these two actions.
 */
final class WellBehavedRule {
  private WellBehavedRule() {}

  static Rule load(RuleEngine engine) {
    String wat =
        "(module\n  "
            + HostCalls.IMPORTS
            + "\n  (memory (export \"memory\") 1 1)\n  "
            + HostCalls.dataSegments(HostCallModel.PAGE)
            + Wat.MARKER
            + "\n  "
            + Wat.BUFFER
            + "\n  (global $out (mut i32) (i32.const -1)) (global $topic (mut i32) (i32.const -1))"
            + "\n  (func (export \"er_init\") (result i32)"
            + " (global.set $out (call $point_id (i32.const "
            + HostCalls.PUMP_OUT.address()
            + ") (i32.const "
            + HostCalls.PUMP_OUT.length()
            + ")))"
            + " (global.set $topic (call $topic_id (i32.const "
            + HostCalls.STATUS.address()
            + ") (i32.const "
            + HostCalls.STATUS.length()
            + "))) (i32.const 0))"
            + "\n  (func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (drop (call $write_f64 (global.get $out) (f64.load offset=8 (local.get $ptr))))"
            + " (drop (call $publish (global.get $topic) (i32.const "
            + HostCalls.HELLO.address()
            + ") (i32.const 5) (i32.const 1)))"
            + " (i32.const 0)))";
    RuleManifest manifest =
        RuleManifest.parse(
            "name: good\n" + HostCalls.GRANTS + "limits: {" + HostCalls.LIMITS + "}\n",
            "good.yaml");
    Rule good = engine.load("good", Wat.compile(wat), manifest);
    assertWorks(engine, good, "before the fuzz");
    return good;
  }

  static void assertWorks(RuleEngine engine, Rule good, String when) {
    RuleOutcome out = engine.evaluate(good, List.of(Events.f64("tank/level", 7.25)));
    assertEquals(
        new Committed(
            List.of(
                new RuleAction.WritePoint(PointId.parse("pump/out"), PointValue.of(7.25)),
                new RuleAction.Publish(
                    "status", "hello".getBytes(StandardCharsets.UTF_8), 1, false))),
        out,
        "the well-behaved rule " + when);
    assertEquals(0, good.faultCount(), "the well-behaved rule's faults " + when);
  }
}
