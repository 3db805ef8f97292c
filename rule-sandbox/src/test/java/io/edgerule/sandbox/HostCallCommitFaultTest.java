package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A call whose emits all passed can still fail when it commits: its actions exceed the action rate,
 * or its state cannot be saved. That is a fault like any other (docs/concepts/rule-lifecycle.md):
 * nothing is committed and the instance is discarded, so the next call does not run on memory that
 * believes the failed call went through.
 */
class HostCallCommitFaultTest extends EngineFixture {
  private final MutableClock clock = new MutableClock(Events.T0);

  @Override
  protected Clock clock() {
    return clock;
  }

  /** Counts its calls in a global (memory state) and writes the count to pump/out 20 times. */
  private static final String COUNTER =
      "(module\n  "
          + HostCalls.IMPORTS
          + "\n  (memory (export \"memory\") 1 1)\n  (data (i32.const 0) \"pump/out\")"
          + " (data (i32.const 16) \"n\")\n  "
          + Wat.MARKER
          + "\n  "
          + Wat.BUFFER
          + "\n  (global $out (mut i32) (i32.const -1)) (global $calls (mut i64) (i64.const 0))"
          + "\n  (func (export \"er_init\") (result i32)"
          + " (global.set $out (call $point_id (i32.const 0) (i32.const 8))) (i32.const 0))"
          + "\n  (func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
          + " (local $i i32)"
          + " (global.set $calls (i64.add (global.get $calls) (i64.const 1)))"
          + " (i64.store (i32.const 32) (global.get $calls))"
          + " (drop (call $state_put (i32.const 16) (i32.const 1) (i32.const 32) (i32.const 8)))"
          + " (loop $l (drop (call $write_i64 (global.get $out) (global.get $calls)))"
          + "  (local.set $i (i32.add (local.get $i) (i32.const 1)))"
          + "  (br_if $l (i32.lt_u (local.get $i) (i32.const 20))))"
          + " (i32.const 0)))";

  private static RuleManifest manifest(String name, String limits) {
    return EngineFixture.manifest(
        "name: "
            + name
            + "\n"
            + HostCalls.GRANTS
            + "limits: {quarantine_after: 100, "
            + limits
            + "}\n");
  }

  private static RuleOutcome batch(RuleEngine engine, Rule rule) {
    return engine.evaluate(rule, List.of(Events.f64("tank/level", 1)));
  }

  private static List<RuleAction> twenty(long value) {
    return Collections.nCopies(
        20, new RuleAction.WritePoint(PointId.parse("pump/out"), PointValue.of(value)));
  }

  @Test
  void aCallBeyondTheActionRateDiscardsTheInstance() {
    Rule rule =
        engine.load("rate", Wat.compile(COUNTER), manifest("rate", "actions_per_second: 30"));
    assertEquals(new Committed(twenty(1)), batch(engine, rule));
    Failed f = assertInstanceOf(Failed.class, batch(engine, rule)); // 20 > the 10 tokens left
    assertEquals(FailureKind.LIMIT, f.kind(), f.message());
    clock.advance(Duration.ofSeconds(1)); // the bucket is full again
    // Before the fix this was 3: the instance that counted the refused call ran on.
    assertEquals(new Committed(twenty(1)), batch(engine, rule), "a fresh instance after the fault");
  }

  @Test
  void aCallWhoseStateCannotBeSavedDiscardsTheInstance() {
    AtomicBoolean diskFull = new AtomicBoolean();
    RuleStateStore store =
        new RuleStateStore() {
          private final RuleStateStore memory = RuleStateStore.inMemory();

          @Override
          public Map<String, byte[]> load(String rule) throws IOException {
            return memory.load(rule);
          }

          @Override
          public void save(String rule, Map<String, byte[]> state) throws IOException {
            if (diskFull.get()) {
              throw new IOException("No space left on device");
            }
            memory.save(rule, state);
          }
        };
    try (RuleEngine e = new RuleEngine(RuleLimits.defaults(), scheduler, clock, store)) {
      Rule rule = e.load("save", Wat.compile(COUNTER), manifest("save", "deadline: 100ms"));
      assertEquals(new Committed(twenty(1)), batch(e, rule));
      diskFull.set(true);
      Failed f = assertInstanceOf(Failed.class, batch(e, rule));
      assertEquals(FailureKind.RESOURCE, f.kind(), f.message());
      diskFull.set(false);
      assertEquals(
          1L,
          java.nio.ByteBuffer.wrap(rule.state().get("n"))
              .order(java.nio.ByteOrder.LITTLE_ENDIAN)
              .getLong(),
          "the failed call's state is not committed");
      assertEquals(new Committed(twenty(1)), batch(e, rule), "a fresh instance after the fault");
    }
  }
}
