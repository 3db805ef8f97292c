package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.edgerule.sandbox.RuleOutcome.Failed;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The deadline holds for code without a back edge (issue 16, class 1): one function of thousands of
 * straight-line bulk instructions over a large memory or table never reaches one of Chicory's
 * interruption checks (backward branches and calls), so each instruction must check itself. Each
 * module writes a point first and then does gigabytes of bulk work: without the checks the call
 * returned normally seconds later and committed the write; now it faults DEADLINE, commits nothing,
 * and a well-behaved rule beside it keeps its exact output.
 */
class StraightLineDeadlineTest extends EngineFixture {
  private static final String WRITE_I64 =
      "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))";
  private static final String POINT_ID =
      "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))";

  /** Straight-line bulk instructions in one function: no loop, no call after the write. */
  private static final int OPS = 2_000;

  @Override
  protected RuleLimits hostCaps() {
    return RuleLimits.defaults()
        .with(RuleLimit.MEMORY_PAGES, 256)
        .with(RuleLimit.MAX_TABLE_ELEMENTS, 1_000_000);
  }

  private static RuleManifest manifest(int pages) {
    return named(
        "bulk",
        "writable_points: [tank/out]",
        "limits: {deadline: 50ms, init_deadline: 10s, memory_pages: " + pages + ",",
        "  max_table_elements: 1000000}");
  }

  /** A rule that writes tank/out := 1, then runs {@code op} {@link #OPS} times in a row. */
  private static byte[] bulkRule(String memory, String extra, String op) {
    return Wat.module(
        Wat.MARKER,
        Wat.BUFFER,
        memory,
        POINT_ID,
        WRITE_I64,
        extra,
        "(global $out (mut i32) (i32.const -1))",
        "(data (i32.const 0) \"tank/out\")",
        "(func (export \"er_init\") (result i32)"
            + " (global.set $out (call $point_id (i32.const 0) (i32.const 8))) (i32.const 0))",
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (drop (call $write_i64 (global.get $out) (i64.const 1)))\n"
            + (op + "\n").repeat(OPS)
            + " (i32.const 0))");
  }

  private void assertStoppedAtTheDeadline(Rule bulk) {
    Rule good = WellBehavedRule.load(engine);
    long start = System.nanoTime();
    RuleOutcome out = engine.evaluate(bulk, List.of(Events.f64("tank/level", 1)));
    long ms = (System.nanoTime() - start) / 1_000_000;
    // Failed carries no actions: the staged write is not committed.
    Failed f = assertInstanceOf(Failed.class, out, out::toString);
    assertEquals(FailureKind.DEADLINE, f.kind(), f.message());
    assertEquals("er_on_events did not finish within 50ms (limits.deadline)", f.message());
    assertFalse(Thread.currentThread().isInterrupted(), "interrupt flag cleared");
    System.out.println(bulk.name() + ": DEADLINE after " + ms + " ms");
    WellBehavedRule.assertWorks(engine, good, "after the straight-line rule");
  }

  @Test
  void straightLineMemoryFillOverAFlatMemoryStopsAtTheDeadline() {
    // 2,000 fills of 8 MiB: 16 GiB of memset with no back edge.
    Rule bulk =
        engine.load(
            "bulk",
            bulkRule(
                "(memory (export \"memory\") 128 128)",
                "",
                "(memory.fill (i32.const 0) (i32.const 7) (i32.const 8388608))"),
            manifest(128));
    assertStoppedAtTheDeadline(bulk);
  }

  @Test
  void straightLineMemoryCopyOverAPagedMemoryStopsAtTheDeadline() {
    // 256 pages is above FlatMemory.MAX_PAGES: Chicory's paged memory, wrapped.
    Rule bulk =
        engine.load(
            "bulk",
            bulkRule(
                "(memory (export \"memory\") 256 256)",
                "",
                "(memory.copy (i32.const 1) (i32.const 0) (i32.const 16777200))"),
            manifest(256));
    assertStoppedAtTheDeadline(bulk);
  }

  @Test
  void straightLineMemoryInitStopsAtTheDeadline() {
    // A passive segment of 1 MiB copied in 2,000 times.
    Rule bulk =
        engine.load(
            "bulk",
            bulkRule(
                "(memory (export \"memory\") 32 32)",
                "(data $big \"" + "\\00".repeat(1 << 20) + "\")",
                "(memory.init $big (i32.const 0) (i32.const 0) (i32.const 1048576))"),
            manifest(32));
    assertStoppedAtTheDeadline(bulk);
  }

  @Test
  void straightLineTableFillStopsAtTheDeadline() {
    // 2,000 fills of a million table elements, one store each.
    Rule bulk =
        engine.load(
            "bulk",
            bulkRule(
                Wat.MEMORY,
                "(table $t 1000000 funcref)",
                "(table.fill $t (i32.const 0) (ref.null func) (i32.const 1000000))"),
            manifest(4));
    assertStoppedAtTheDeadline(bulk);
  }
}
