package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.Parser;
import io.edgerule.sandbox.internal.ModuleCost;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The compile estimate is an upper bound: for modules of each shape that drives Chicory's cost
 * (many small functions, much code, many locals, deep nesting, long functions), what parsing and
 * compiling actually allocates on this thread stays below {@link ModuleCost#loadBytes()}. Allocated
 * bytes bound the peak heap of the load; they are counted, not timed, so the test holds on a loaded
 * machine.
 */
class ModuleCostTest {

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  private static long load(byte[] wasm) {
    long before = allocated();
    MachineFactoryCompiler.builder(Parser.parse(wasm))
        .withInterpreterFallback(InterpreterFallback.FAIL)
        .compile();
    return allocated() - before;
  }

  @Test
  void theEstimateBoundsWhatParsingAndCompilingAllocate() {
    Map<String, String> shapes = new LinkedHashMap<>();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 3_000; i++) {
      b.append("(func (result i64) (i64.const ").append(i).append("))\n");
    }
    shapes.put("3,000 tiny functions", b.toString());
    shapes.put(
        "1,000 functions of arithmetic",
        ("(func (param i32) (result i32) "
                + "(drop (i32.add (local.get 0) (i32.const 7))) ".repeat(10)
                + "(local.get 0))\n")
            .repeat(1_000));
    shapes.put(
        "200 functions of 2,000 locals",
        ("(func (local" + " i64".repeat(2_000) + "))\n").repeat(200));
    shapes.put(
        "20 functions nested 1,000 deep",
        ("(func " + "(block ".repeat(1_000) + ")".repeat(1_000) + ")\n").repeat(20));
    shapes.put(
        "4 functions of 3,000 statements",
        ("(func (param i32) (result i32) (local i32) "
                + "(local.set 1 (i32.add (local.get 1) (i32.const 3)))\n".repeat(3_000)
                + "(local.get 1))\n")
            .repeat(4));
    load(Wat.compile("(module " + shapes.get("3,000 tiny functions") + ")")); // class loading
    for (var shape : shapes.entrySet()) {
      byte[] wasm = Wat.compile("(module " + shape.getValue() + ")");
      long estimate = ModuleCost.of(wasm).loadBytes();
      long actual = load(wasm);
      System.out.printf(
          "%s: %d bytes, allocated %d KiB, estimate %d KiB (%.1fx)%n",
          shape.getKey(), wasm.length, actual >> 10, estimate >> 10, (double) estimate / actual);
      assertTrue(
          actual <= estimate,
          shape.getKey() + ": allocated " + actual + " bytes, estimated " + estimate);
    }
  }
}
