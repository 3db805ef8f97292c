package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Why rules run compiled: Chicory 1.7.5's interpreter checks for interruption only on call, br and
 * call_indirect, so a loop closed by br_if runs on after Thread.interrupt(); the runtime compiler
 * checks on every backward branch. If a Chicory upgrade changes either side, this test says so.
 */
class InterpreterContrastTest {
  /** Counts $n down to 0 in a loop closed by br_if; returns $n (0 when the loop completed). */
  private static final WasmModule COUNTDOWN =
      Parser.parse(
          Wat.compile(
              "(module (func (export \"count\") (param $n i32) (result i32)"
                  + " (loop $l (local.set $n (i32.sub (local.get $n) (i32.const 1)))"
                  + " (br_if $l (i32.ne (local.get $n) (i32.const 0))))"
                  + " (local.get $n)))"));

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
    Thread.interrupted();
  }

  private void interruptMeIn(long ms) {
    Thread me = Thread.currentThread();
    timer.schedule(me::interrupt, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Interrupts this thread once it is seen inside the interpreter's loop. (A 10 ms timer raced the
   * call on a loaded machine: it fired before the call began, and the interpreter's check on
   * entering the function threw.)
   */
  private void interruptMeInsideTheInterpreter() {
    Thread me = Thread.currentThread();
    timer.scheduleWithFixedDelay(
        () -> {
          for (StackTraceElement f : me.getStackTrace()) {
            if (f.getClassName().endsWith(".InterpreterMachine")
                && f.getMethodName().equals("eval")) {
              me.interrupt();
              throw new IllegalStateException("done"); // ends the repetition
            }
          }
        },
        0,
        1,
        TimeUnit.MILLISECONDS);
  }

  @Test
  void theInterpreterRunsABrIfLoopToTheEndDespiteAnInterrupt() {
    Instance interpreted = Instance.builder(COUNTDOWN).build();
    interpreted.export("count").apply(10); // load the interpreter's classes first
    interruptMeInsideTheInterpreter();
    // Long enough (a fraction of a second, more on a loaded machine) for the watcher to see it.
    long[] result = interpreted.export("count").apply(20_000_000);
    assertEquals(0, result[0], "the loop ran all 20,000,000 rounds");
    assertTrue(Thread.interrupted(), "the interrupt arrived during the loop and was ignored");
  }

  @Test
  void compiledCodeStopsTheSameLoopAtTheInterrupt() {
    Instance compiled =
        Instance.builder(COUNTDOWN)
            .withMachineFactory(MachineFactoryCompiler.compile(COUNTDOWN))
            .build();
    compiled.export("count").apply(10);
    interruptMeIn(10);
    long start = System.nanoTime();
    assertThrows(
        ChicoryInterruptedException.class, () -> compiled.export("count").apply(Integer.MAX_VALUE));
    long ms = (System.nanoTime() - start) / 1_000_000;
    // The exception is the proof that the interrupt stopped the loop; a loaded machine may delay
    // the interrupt itself, so this bound (was 1 s) says nothing about how soon.
    assertTrue(ms < 10_000, "stopped " + ms + " ms after the call began");
    assertTrue(Thread.interrupted(), "Chicory leaves the interrupt flag set");
  }
}
