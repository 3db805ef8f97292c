package io.edgerule.sandbox;

import static io.edgerule.sandbox.Wat.BUFFER;
import static io.edgerule.sandbox.Wat.EVENTS_OK;
import static io.edgerule.sandbox.Wat.INIT_OK;
import static io.edgerule.sandbox.Wat.MARKER;
import static io.edgerule.sandbox.Wat.MEMORY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.RuleAction.WritePoint;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hostile-module corpus of sandbox v1: each module is contained (a failed outcome or a refused
 * load, within its deadline), and the engine keeps working afterwards.
 */
class HostileModulesTest extends EngineFixture {
  /** Rules here get a short deadline so overruns are quick to prove. */
  private static final RuleManifest FAST =
      named("t", "limits: {deadline: 20ms, init_deadline: 50ms}");

  /** Grants tank/out for rules that report a number through gw.write_i64. */
  private static final RuleManifest REPORTING =
      named("t", "writable_points: [tank/out]", "limits: {deadline: 1s}");

  private static final String WRITE_I64 =
      "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))";
  private static final String POINT_ID =
      "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))";
  private static final String LOG = "(import \"gw\" \"log\" (func $log (param i32 i32 i32)))";

  /** er_init that resolves tank/out into $out. */
  private static final String[] REPORTER = {
    POINT_ID,
    WRITE_I64,
    "(global $out (mut i32) (i32.const -1))",
    "(data (i32.const 0) \"tank/out\")",
    "(func (export \"er_init\") (result i32)"
        + " (global.set $out (call $point_id (i32.const 0) (i32.const 8))) (i32.const 0))"
  };

  private static final List<PointEvent> ONE = List.of(Events.f64("tank/level", 50));

  /**
   * The tests that stop a rule ask for their own short deadlines (FAST); work that must finish
   * (growing memory to the limit, recursing to the stack's end) gets up to 1 s (REPORTING) instead
   * of the default ceiling's 100 ms, which a loaded 2-core machine exceeded (the memory bomb ended
   * as DEADLINE).
   */
  @Override
  protected RuleLimits hostCaps() {
    return RuleLimits.defaults().with(RuleLimit.DEADLINE, Duration.ofSeconds(10));
  }

  /**
   * What a loaded 2-core machine may add to a deadline before the call returns (the watchdog's
   * scheduler and the rule's thread both wait for a core). Only a watchdog that does not stop the
   * call at all exceeds it.
   */
  private static final long SCHEDULING_SLACK_MS = 10_000;

  private static byte[] reporter(String... fields) {
    return reporterWith(MEMORY, fields);
  }

  private static byte[] reporterWith(String memory, String... fields) {
    String[] all = new String[REPORTER.length + fields.length + 3];
    all[0] = MARKER;
    all[1] = BUFFER;
    all[2] = memory;
    System.arraycopy(REPORTER, 0, all, 3, REPORTER.length);
    System.arraycopy(fields, 0, all, 3 + REPORTER.length, fields.length);
    return Wat.module(all);
  }

  private static String onEvents(String body) {
    return "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32) "
        + body
        + ")";
  }

  private Failed fails(Rule rule, FailureKind kind) {
    RuleOutcome out = engine.evaluate(rule, ONE);
    Failed f = assertInstanceOf(Failed.class, out, out::toString);
    assertEquals(kind, f.kind(), f.message());
    assertFalse(Thread.currentThread().isInterrupted(), "interrupt flag cleared");
    return f;
  }

  private long reported(Rule rule) {
    RuleOutcome out = engine.evaluate(rule, ONE);
    Committed c = assertInstanceOf(Committed.class, out, out::toString);
    WritePoint w = assertInstanceOf(WritePoint.class, c.actions().get(0));
    assertEquals(PointId.parse("tank/out"), w.point());
    return ((PointValue.Int64) w.value()).value();
  }

  /** Runs a deadline case and returns how long the call took, in ms. */
  private long timedDeadline(Rule rule, String expectedMessage) {
    long start = System.nanoTime();
    Failed f = fails(rule, FailureKind.DEADLINE);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(expectedMessage, f.message());
    assertTrue(ms >= 20, "not before the deadline: " + ms + " ms");
    // Stopped at all: a loop the watchdog cannot stop never returns. How soon after the deadline
    // (the old "< 270 ms" failed on a loaded 2-core machine) is measured by DeadlineBenchmark.
    assertTrue(
        ms < 20 + SCHEDULING_SLACK_MS, "stopped after the 20 ms deadline, took " + ms + " ms");
    System.out.println(expectedMessage + ": the call returned after " + ms + " ms");
    return ms;
  }

  // ---- deadlines (compiled mode) ----

  @Test
  void loopWithBrIsStoppedAtTheDeadline() {
    Rule rule = load(Wat.rule(onEvents("(loop $l (br $l)) (i32.const 0)")), FAST);
    timedDeadline(rule, "er_on_events did not finish within 20ms (limits.deadline)");
  }

  @Test
  void loopWithBrIfIsStoppedAtTheDeadline() {
    // Chicory's interpreter cannot interrupt this loop (InterpreterContrastTest); compiled code
    // can.
    Rule rule = load(Wat.rule(onEvents("(loop $l (br_if $l (i32.const 1))) (i32.const 0)")), FAST);
    timedDeadline(rule, "er_on_events did not finish within 20ms (limits.deadline)");
    // The rule and the thread stay usable: the next batch overruns again, on a fresh instance.
    timedDeadline(rule, "er_on_events did not finish within 20ms (limits.deadline)");
  }

  @Test
  void loopInErBufferIsStoppedAtTheDeadline() {
    Rule rule =
        load(
            Wat.module(
                MARKER,
                MEMORY,
                INIT_OK,
                EVENTS_OK,
                "(func (export \"er_buffer\") (param i32) (result i32) (loop $l (br $l))"
                    + " (i32.const 0))"),
            FAST);
    timedDeadline(rule, "er_on_events did not finish within 20ms (limits.deadline)");
  }

  @Test
  void loopInTheStartSectionFailsTheLoadWithinTheInitDeadline() {
    long start = System.nanoTime();
    RuleLoadException e =
        assertThrows(
            RuleLoadException.class,
            () -> load(Wat.rule(EVENTS_OK, "(func $s (loop $l (br $l)))", "(start $s)"), FAST));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(
        "rule 't': start section + er_init did not finish within 50ms (limits.init_deadline)",
        e.getMessage());
    assertTrue(ms < 50 + SCHEDULING_SLACK_MS, "took " + ms + " ms (includes compiling)");
    assertFalse(Thread.currentThread().isInterrupted());
  }

  @Test
  void loopInInitFailsTheLoadWithinTheInitDeadline() {
    RuleLoadException e =
        assertThrows(
            RuleLoadException.class,
            () ->
                load(
                    Wat.module(
                        MARKER,
                        MEMORY,
                        BUFFER,
                        EVENTS_OK,
                        "(func (export \"er_init\") (result i32) (loop $l (br_if $l (i32.const 1)))"
                            + " (i32.const 0))"),
                    FAST));
    assertEquals(
        "rule 't': start section + er_init did not finish within 50ms (limits.init_deadline)",
        e.getMessage());
  }

  // ---- memory ----

  @Test
  void memoryGrowBombStopsAtTheMemoryLimit() {
    String bomb =
        onEvents(
            "(block $full (loop $grow"
                + " (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))"
                + " (br $grow)))"
                + " (drop (call $write_i64 (global.get $out) (i64.extend_i32_u (memory.size))))"
                + " (i32.const 0)");
    // The module declares no maximum: the manifest's limit (default 16 pages) is the ceiling.
    byte[] unbounded = reporterWith("(memory (export \"memory\") 1)", bomb);
    assertEquals(16, reported(load(unbounded, REPORTING)), "default limit: 16 pages");
    RuleManifest four = named("t", "writable_points: [tank/out]", "limits: {memory_pages: 4}");
    assertEquals(4, reported(engine.load("four", unbounded, four)));
    // A module's own smaller maximum stays in force.
    assertEquals(
        2,
        reported(
            engine.load("own", reporterWith("(memory (export \"memory\") 1 2)", bomb), REPORTING)));
  }

  @Test
  void oneHugeGrowIsRefused() {
    String grow =
        onEvents(
            "(drop (call $write_i64 (global.get $out)"
                + " (i64.extend_i32_s (memory.grow (i32.const 65535))))) (i32.const 0)");
    assertEquals(-1, reported(load(reporter(grow), REPORTING)));
  }

  @Test
  void tableGrowthIsCappedToo() {
    String grow =
        onEvents(
            "(drop (call $write_i64 (global.get $out)"
                + " (i64.extend_i32_s (table.grow $t (ref.null func) (i32.const 100000)))))"
                + " (i32.const 0)");
    assertEquals(-1, reported(load(reporter("(table $t 1 funcref)", grow), REPORTING)));
  }

  // ---- stack ----

  @Test
  void deepRecursionIsAResourceFault() {
    Rule rule =
        load(
            Wat.rule(
                "(func $down (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const"
                    + " 1))))",
                onEvents("(drop (call $down (i32.const 0))) (i32.const 0)")),
            named("t", "limits: {deadline: 5s}"));
    Failed f = fails(rule, FailureKind.RESOURCE);
    assertEquals("er_on_events exhausted the call stack (recursion too deep)", f.message());
  }

  // ---- traps ----

  @Test
  void trapsAreContained() {
    assertEquals(
        "er_on_events trapped: trapped on unreachable instruction",
        fails(load(Wat.rule(onEvents("unreachable")), FAST), FailureKind.TRAP).message());
    assertTrue(
        fails(
                engine.load(
                    "div", Wat.rule(onEvents("(i32.div_s (i32.const 1) (i32.const 0))")), FAST),
                FailureKind.TRAP)
            .message()
            .contains("divide by zero"));
    assertTrue(
        fails(
                engine.load("oob", Wat.rule(onEvents("(i32.load (i32.const -8))")), FAST),
                FailureKind.TRAP)
            .message()
            .contains("out of bounds memory access"));
  }

  @Test
  void anUncaughtWasmExceptionIsTheRulesTrap() {
    // The exception-handling proposal's throw with no try around it: it used to be reported as
    // "failed in the host: WasmException" with a WARN stack trace.
    byte[] wasm =
        Wat.compile(
            "(module "
                + MARKER
                + MEMORY
                + INIT_OK
                + BUFFER
                + "(tag $oops (param i32))"
                + "(func (export \"er_on_events\") (param i32 i32) (result i32)"
                + " (throw $oops (i32.const 7))))",
            "--enable-exceptions");
    Failed f = fails(load(wasm, FAST), FailureKind.TRAP);
    assertEquals("er_on_events trapped: uncaught WebAssembly exception (tag 0)", f.message());
  }

  @Test
  void trapInErBufferAndErOnTick() {
    Rule buffer =
        load(
            Wat.module(
                MARKER,
                MEMORY,
                INIT_OK,
                EVENTS_OK,
                "(func (export \"er_buffer\") (param i32) (result i32) unreachable)"),
            FAST);
    fails(buffer, FailureKind.TRAP);
    Rule tick =
        engine.load(
            "tick",
            Wat.rule(EVENTS_OK, "(func (export \"er_on_tick\") (result i32) unreachable)"),
            named("tick", "tick: 1s"));
    Failed f = assertInstanceOf(Failed.class, engine.tick(tick));
    assertEquals("er_on_tick trapped: trapped on unreachable instruction", f.message());
  }

  @Test
  void aTrapAfterEmitsCommitsNothing() {
    // Writes tank/out := 1 for every batch, then traps if the first event's value is negative.
    Rule rule =
        load(
            reporter(
                onEvents(
                    "(drop (call $write_i64 (global.get $out) (i64.const 1)))"
                        + " (if (f64.lt (f64.load offset=8 (local.get $ptr)) (f64.const 0))"
                        + "   (then unreachable))"
                        + " (i32.const 0)")),
            REPORTING);
    RuleOutcome bad = engine.evaluate(rule, List.of(Events.f64("tank/level", -1)));
    assertEquals(FailureKind.TRAP, assertInstanceOf(Failed.class, bad).kind());
    RuleOutcome good = engine.evaluate(rule, List.of(Events.f64("tank/level", 1)));
    assertEquals(
        List.of(new WritePoint(PointId.parse("tank/out"), PointValue.of(1L))),
        assertInstanceOf(Committed.class, good).actions());
  }

  @Test
  void afterAFaultTheRuleRunsOnAFreshInstance() {
    // Counts batches in a global and reports the count; traps on a negative value.
    Rule rule =
        load(
            reporter(
                "(global $n (mut i64) (i64.const 0))",
                onEvents(
                    "(global.set $n (i64.add (global.get $n) (i64.const 1)))"
                        + " (if (f64.lt (f64.load offset=8 (local.get $ptr)) (f64.const 0))"
                        + "   (then unreachable))"
                        + " (drop (call $write_i64 (global.get $out) (global.get $n)))"
                        + " (i32.const 0)")),
            REPORTING);
    assertEquals(1, reported(rule));
    assertEquals(2, reported(rule));
    engine.evaluate(rule, List.of(Events.f64("tank/level", -1)));
    assertEquals(1, reported(rule), "state of the faulted instance is gone");
    assertEquals(1, rule.faultCount());
  }

  // ---- limits and ABI violations ----

  @Test
  void emitFloodHitsTheActionLimitAtOnce() {
    Rule rule =
        load(
            Wat.rule(
                LOG,
                onEvents(
                    "(loop $l (call $log (i32.const 2) (i32.const 0) (i32.const 1)) (br $l))"
                        + " (i32.const 0)")),
            named("t", "limits: {deadline: 10s}"));
    long start = System.nanoTime();
    Failed f = fails(rule, FailureKind.LIMIT);
    assertEquals("more than 64 actions in one call (limits.max_actions)", f.message());
    assertTrue((System.nanoTime() - start) / 1_000_000 < 5000, "did not wait for the deadline");
  }

  @Test
  void bigPayloadHitsTheByteLimit() {
    Rule rule =
        load(
            Wat.module(
                MARKER,
                BUFFER,
                "(memory (export \"memory\") 2 4)",
                "(import \"gw\" \"topic_id\" (func $topic (param i32 i32) (result i32)))",
                "(import \"gw\" \"publish\" (func $pub (param i32 i32 i32 i32) (result i32)))",
                "(global $t (mut i32) (i32.const -1))",
                "(data (i32.const 0) \"big\")",
                "(func (export \"er_init\") (result i32)"
                    + " (global.set $t (call $topic (i32.const 0) (i32.const 3))) (i32.const 0))",
                onEvents(
                    "(drop (call $pub (global.get $t) (i32.const 0) (i32.const 65537) (i32.const 0)))"
                        + " (i32.const 0)")),
            named("t", "topics: [big]"));
    assertEquals(
        "more than 65536 bytes of actions in one call (limits.max_action_bytes)",
        fails(rule, FailureKind.LIMIT).message());
  }

  @Test
  void badStatusAndBadBufferAreAbiFaults() {
    assertEquals(
        "er_on_events returned status 5 (0 means success)",
        fails(load(Wat.rule(onEvents("(i32.const 5)")), FAST), FailureKind.ABI).message());
    String noRoom = "(func (export \"er_buffer\") (param i32) (result i32) (i32.const 0))";
    assertEquals(
        "er_buffer(32) returned 0: the rule has no room for this batch",
        fails(
                engine.load("a", Wat.module(MARKER, MEMORY, INIT_OK, EVENTS_OK, noRoom), FAST),
                FailureKind.ABI)
            .message());
    String odd = "(func (export \"er_buffer\") (param i32) (result i32) (i32.const 4100))";
    assertEquals(
        "er_buffer(32) returned 4100, which is not 8-byte aligned",
        fails(
                engine.load("b", Wat.module(MARKER, MEMORY, INIT_OK, EVENTS_OK, odd), FAST),
                FailureKind.ABI)
            .message());
    String outside = "(func (export \"er_buffer\") (param i32) (result i32) (i32.const 65528))";
    assertEquals(
        "er_buffer(32) returned 65528, which is outside linear memory (65536 bytes)",
        fails(
                engine.load("c", Wat.module(MARKER, MEMORY, INIT_OK, EVENTS_OK, outside), FAST),
                FailureKind.ABI)
            .message());
  }

  @Test
  void aModuleWithTenThousandFunctionsLoadsAndRuns() {
    StringBuilder wat = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      wat.append("(func $f").append(i).append(" (result i64) (i64.const ").append(i).append("))\n");
    }
    long start = System.nanoTime();
    Rule rule =
        load(
            reporter(
                wat.toString(),
                onEvents("(drop (call $write_i64 (global.get $out) (call $f9999))) (i32.const 0)")),
            REPORTING);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(9999, reported(rule));
    System.out.println(
        "10,000-function module: wat2wasm + parse + compile + init took " + ms + " ms");
  }
}
