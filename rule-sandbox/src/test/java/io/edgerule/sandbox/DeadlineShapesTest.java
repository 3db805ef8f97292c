package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.sandbox.RuleOutcome.Failed;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The deadline holds for any shape of code (issue 16, class 1), not only loops and bulk
 * instructions ({@link StraightLineDeadlineTest}). Each rule writes tank/out first and then does
 * seconds of work shaped to avoid one kind of check; each must fault DEADLINE (the write not
 * committed), and a well-behaved rule must keep its exact output afterwards.
 *
 * <p>The first case is the one that got through before every function checked the deadline on its
 * way out (ReturnChecks): recursing 2,500 frames deep is fast (each call is checked), and the work
 * is in the straight-line tail every frame runs on its way back. It returned normally 1-2 s after a
 * 50 ms deadline and committed. The work is many times the deadline on any machine: the tails are
 * methods above the JIT's 8,000-byte limit, interpreted at a fraction of a millisecond each.
 */
class DeadlineShapesTest extends EngineFixture {
  /** Rule threads of the daemon have 1 MiB; 4 MiB keeps the recursion well inside the stack. */
  private static final long STACK = 4L * 1024 * 1024;

  private static final String WRITE_FIRST =
      "(drop (call $write_i64 (global.get $out) (i64.const 1)))";

  @Override
  protected RuleLimits hostCaps() {
    return RuleLimits.defaults().with(RuleLimit.MAX_TABLE_ELEMENTS, 1_000_000);
  }

  /**
   * A rule whose er_on_events writes tank/out := 1 and then runs {@code body}; {@code funcs} aside.
   */
  private static byte[] rule(String memory, String funcs, String body, String... flags) {
    String text =
        "(module\n"
            + "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))\n"
            + "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))\n"
            + memory
            + "\n"
            + Wat.MARKER
            + "\n"
            + Wat.BUFFER
            + "\n(global $out (mut i32) (i32.const -1))\n"
            + "(data (i32.const 32) \"tank/out\")\n"
            + "(func (export \"er_init\") (result i32)"
            + " (global.set $out (call $point_id (i32.const 32) (i32.const 8))) (i32.const 0))\n"
            + funcs
            + "\n(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32) "
            + WRITE_FIRST
            + "\n"
            + body
            + "\n(i32.const 0))\n)";
    return Wat.compile(text, flags);
  }

  private static final String PAGE = "(memory (export \"memory\") 1 1)";

  private void assertStoppedAtTheDeadline(String name, Supplier<byte[]> wasm) throws Exception {
    assertStopped(name, wasm, Set.of(FailureKind.DEADLINE));
  }

  private void assertStopped(String name, Supplier<byte[]> wasm, Set<FailureKind> kinds)
      throws Exception {
    Rule good = WellBehavedRule.load(engine);
    Rule bad =
        engine.load(
            name,
            wasm.get(),
            named(
                name,
                "writable_points: [tank/out]",
                "limits: {deadline: 50ms, init_deadline: 10s, max_table_elements: 1000000}"));
    CompletableFuture<RuleOutcome> result = new CompletableFuture<>();
    long start = System.nanoTime();
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                result.complete(engine.evaluate(bad, List.of(Events.f64("tank/level", 1))));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "rule-" + name,
            STACK);
    t.start();
    RuleOutcome out = result.get(5, TimeUnit.MINUTES);
    t.join();
    System.out.println(
        name + ": " + out + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
    // Failed carries no actions: the staged write is not committed.
    Failed f = assertInstanceOf(Failed.class, out, out::toString);
    assertTrue(kinds.contains(f.kind()), f.kind() + ": " + f.message());
    assertFalse(t.isInterrupted(), "interrupt flag cleared");
    WellBehavedRule.assertWorks(engine, good, "after " + name);
    engine.unload(bad);
  }

  /**
   * {@code $f(n)} calls {@code $f(n-1)} while n > 0, then runs 3,000 straight-line memory
   * read-modify-writes (about 50 KiB of JVM bytecode, the most that fits one method with room).
   */
  private static final String RECURSE_THEN_TAIL =
      "(func $f (param $n i32)"
          + " (if (i32.gt_s (local.get $n) (i32.const 0))"
          + "   (then (call $f (i32.sub (local.get $n) (i32.const 1)))))\n"
          + "(i32.store (i32.const 16) (i32.add (i32.load (i32.const 16)) (local.get $n)))\n"
              .repeat(3_000)
          + ")";

  @Test
  void deepRecursionUnwindingThroughLongStraightLineTails() throws Exception {
    // Four descents in a row: one took 3.0 s on the loaded 2-core machine (load 15), so on a fast
    // quiet machine it may be only a few times its 50 ms deadline; four keep every machine
    // far past the deadline (4.7 s there with no deadline; stopped at it, the extra work costs
    // nothing).
    assertStoppedAtTheDeadline(
        "unwind", () -> rule(PAGE, RECURSE_THEN_TAIL, "(call $f (i32.const 2500))\n".repeat(4)));
  }

  @Test
  void aLongStraightLineBodyCalledThousandsOfTimesWithoutALoop() throws Exception {
    // The same tail without the recursion, called 20,000 times from straight-line code ($h makes
    // 4,000 of the calls, called 5 times: one method of 20,000 calls would not fit the JVM's 64 KiB
    // limit). 4,000 calls took 2.6 s on the loaded 2-core machine (load 15), and a fast quiet
    // machine
    // runs them many times faster: five times the work (9.2 s there) keeps it far past the
    // deadline.
    String h = "(func $h " + "(call $f (i32.const 0))\n".repeat(4_000) + ")";
    assertStoppedAtTheDeadline(
        "calls", () -> rule(PAGE, RECURSE_THEN_TAIL + "\n" + h, "(call $h)\n".repeat(5)));
  }

  @Test
  void aTreeOfSmallFunctionsCalledWithoutLoops() throws Exception {
    // $g0 calls $g1 twice, ... $g39 is a leaf: 2^40 calls, not one loop.
    StringBuilder funcs = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      funcs.append("(func $g").append(i).append(" (param $x i32) (result i32)");
      if (i == 39) {
        funcs.append(" (i32.add (local.get $x) (i32.const 1)))\n");
      } else {
        funcs
            .append(" (call $g")
            .append(i + 1)
            .append(" (call $g")
            .append(i + 1)
            .append(" (local.get $x))))\n");
      }
    }
    assertStoppedAtTheDeadline(
        "tree", () -> rule(PAGE, funcs.toString(), "(drop (call $g0 (i32.const 0)))"));
  }

  @Test
  void aLoopClosedByAHugeBrTable() throws Exception {
    // br_table with 10,000 targets (a JVM tableswitch of 40 KB), every one the enclosing loop.
    String targets = "$l ".repeat(10_000);
    assertStoppedAtTheDeadline(
        "br_table", () -> rule(PAGE, "", "(loop $l (br_table " + targets + "$l (i32.const 7)))"));
  }

  @Test
  void aTailCallLoop() throws Exception {
    // return_call: a loop through a tail call, no back edge and no stack growth in wasm terms.
    // Chicory 1.7.5 compiles it as a call and a return, so the JVM stack fills: stopped by the
    // deadline or by the stack, whichever comes first on the machine.
    assertStopped(
        "return_call",
        () ->
            rule(
                PAGE,
                "(func $spin (param $n i32) (return_call $spin (i32.add (local.get $n) (i32.const 1))))",
                "(call $spin (i32.const 0))",
                "--enable-tail-call"),
        Set.of(FailureKind.DEADLINE, FailureKind.RESOURCE));
  }

  @Test
  void straightLineTableCopiesOverAMillionElements() throws Exception {
    assertStoppedAtTheDeadline(
        "table.copy",
        () ->
            rule(
                PAGE + "\n(table $t 1000000 funcref)",
                "",
                "(table.copy $t $t (i32.const 1) (i32.const 0) (i32.const 999999))\n"
                    .repeat(2_000)));
  }

  @Test
  void tableGrowAndShrinkingAgainInALoop() throws Exception {
    // Grows by 100,000 until the heap budget says -1, then keeps asking: each ask is checked.
    assertStoppedAtTheDeadline(
        "table.grow",
        () ->
            rule(
                PAGE + "\n(table $t 0 funcref)",
                "",
                "(loop $l (drop (table.grow $t (ref.null func) (i32.const 100000))) (br $l))"));
  }

  @Test
  void memoryGrowThenFillInALoop() throws Exception {
    // Memory grows to its cap, then every round fills all of it again.
    assertStoppedAtTheDeadline(
        "memory.grow",
        () ->
            rule(
                "(memory (export \"memory\") 1 64)",
                "",
                "(loop $l (drop (memory.grow (i32.const 1)))"
                    + " (memory.fill (i32.const 0) (i32.const 9)"
                    + "   (i32.mul (memory.size) (i32.const 65536)))"
                    + " (br $l))"));
  }
}
