package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.RuleAction.WritePoint;
import io.edgerule.sandbox.RuleOutcome.Committed;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heap a rule can make the gateway spend is accounted to the rule and capped (issue 16, classes
 * 2-4): modules within the size, function and per-table limits that exhausted the heap at
 * instantiation (tens of thousands of tables), at compile time (a 14 KB module of 4 million locals:
 * 20 s, 430 MB) or at run time (tables grown every batch) are refused before they are parsed, or
 * their growth returns -1; a well-behaved rule beside them keeps its exact output.
 */
class HeapBudgetTest extends EngineFixture {
  private static final String WRITE_I64 =
      "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))";
  private static final String POINT_ID =
      "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))";

  @Test
  void tensOfThousandsOfTablesEachWithinItsCapAreRefusedBeforeInstantiation() {
    Rule good = WellBehavedRule.load(engine);
    // 20,000 tables of 10,000 elements: each within max_table_elements, together 200 million
    // elements (about 2.4 GB of Chicory's arrays).
    byte[] wasm = Wat.rule(Wat.EVENTS_OK, "(table 10000 funcref)\n".repeat(20_000));
    RuleLoadException e = assertThrows(RuleLoadException.class, () -> load(wasm, named("tables")));
    assertTrue(
        e.getMessage()
            .matches(
                "rule .tables.: an instance would keep \\d+ MiB of heap \\(linear memory at its cap"
                    + " of 16 pages, .* 20000 tables of 200000000 elements, 0 globals\\); the limit"
                    + " is 64 MiB \\(limits.heap_bytes\\)"),
        e.getMessage());
    WellBehavedRule.assertWorks(engine, good, "after the table bomb was refused");
  }

  @Test
  void aCompileBombWithinTheSizeAndFunctionLimitsIsRefusedBeforeParsing() {
    Rule good = WellBehavedRule.load(engine);
    // 2,000 functions of 2,000 locals each: a 14 KB module that took 20 s and 430 MB to parse and
    // compile.
    StringBuilder wat = new StringBuilder();
    String locals = "(local" + " i64".repeat(2_000) + ")";
    for (int i = 0; i < 2_000; i++) {
      wat.append("(func ").append(locals).append(")\n");
    }
    byte[] wasm = Wat.rule(Wat.EVENTS_OK, wat.toString());
    assertTrue(wasm.length < 20_000, wasm.length + " bytes");
    long start = System.nanoTime();
    RuleLoadException e = assertThrows(RuleLoadException.class, () -> load(wasm, named("bomb")));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(
        e.getMessage()
            .matches(
                "rule 'bomb': parsing and compiling it would take up to \\d+ MiB of heap \\(\\d+"
                    + " bytes of code, 2004 functions, 4000000 locals, .*\\); the limit is 256 MiB"
                    + " \\(limits.compile_heap_bytes\\)"),
        e.getMessage());
    System.out.println("compile bomb refused after " + ms + " ms: " + e.getMessage());
    WellBehavedRule.assertWorks(engine, good, "after the compile bomb was refused");
  }

  @Test
  void tableGrowthEveryBatchStopsAtTheHeapBudgetAcrossAllTables() {
    Rule good = WellBehavedRule.load(engine);
    // 50 tables, each allowed 10,000 elements; every batch grows each by 10,000 and reports how
    // many elements all tables hold. Under heap_bytes of 2 MiB, with 1 page of memory, the
    // tables together can take at most (2 MiB - 64 KiB - 50 x 256) / 24 bytes per element.
    StringBuilder tables = new StringBuilder();
    StringBuilder grow = new StringBuilder();
    StringBuilder size = new StringBuilder("(i64.const 0)");
    for (int i = 0; i < 50; i++) {
      tables.append("(table $t").append(i).append(" 0 10000 funcref)\n");
      grow.append("(drop (table.grow $t")
          .append(i)
          .append(" (ref.null func) (i32.const 10000)))\n");
      size =
          new StringBuilder("(i64.add ")
              .append(size)
              .append(" (i64.extend_i32_u (table.size $t")
              .append(i)
              .append(")))");
    }
    byte[] wasm =
        Wat.module(
            Wat.MARKER,
            Wat.BUFFER,
            "(memory (export \"memory\") 1 1)",
            POINT_ID,
            WRITE_I64,
            tables.toString(),
            "(global $out (mut i32) (i32.const -1))",
            "(data (i32.const 0) \"tank/out\")",
            "(func (export \"er_init\") (result i32)"
                + " (global.set $out (call $point_id (i32.const 0) (i32.const 8))) (i32.const 0))",
            "(func (export \"er_on_events\") (param i32 i32) (result i32) "
                + grow
                + " (drop (call $write_i64 (global.get $out) "
                + size
                + ")) (i32.const 0))");
    Rule rule =
        load(
            wasm,
            named(
                "grower",
                "writable_points: [tank/out]",
                "limits: {heap_bytes: 2097152, deadline: 10s}"));
    long budget = 2 * 1024 * 1024 - 65_536 - 50 * 256;
    long most = budget / 24 / 10_000 * 10_000; // grows are all-or-nothing, 10,000 at a time
    long last = -1;
    for (int batch = 0; batch < 5; batch++) {
      RuleOutcome out = engine.evaluate(rule, List.of(Events.f64("tank/level", 1)));
      Committed c = assertInstanceOf(Committed.class, out, out::toString);
      long elements = ((PointValue.Int64) ((WritePoint) c.actions().get(0)).value()).value();
      assertEquals(most, elements, "batch " + batch + ": elements in all tables");
      last = elements;
    }
    assertTrue(last * 24 <= 2 * 1024 * 1024, "within heap_bytes");
    WellBehavedRule.assertWorks(engine, good, "beside the table grower");
  }

  @Test
  void theDefaultsStillLoadTenThousandFunctions() {
    // The compile estimate must not refuse what rules really are: the 10,000-function module of
    // HostileModulesTest loads under the default compile_heap_bytes.
    StringBuilder wat = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      wat.append("(func $f").append(i).append(" (result i64) (i64.const ").append(i).append("))\n");
    }
    load(Wat.rule(Wat.EVENTS_OK, wat.toString()), named("many"));
  }
}
