package io.edgerule.bench;

import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleOutcome;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-event cost of the reference rule (8-sample moving average + hysteresis alarm), side by side:
 * plain Java, bare Chicory compiled and interpreted, and the full sandbox call path ({@code
 * RuleEngine.evaluate}: encoding, er_buffer, watchdog, staging, outcome). Every method handles one
 * batch of {@code batch} events; the score is divided by the batch size (per event).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerEventBenchmark {
  @Param({"1", "64"})
  int batch;

  private ReferenceRule java;
  private RawWasm compiled;
  private RawWasm compiledReturnChecks;
  private RawWasm interpreted;
  private RawWasm compiledPaged;
  private RawWasm compiledByteBuffer;
  private ScheduledExecutorService watchdog;
  private RuleEngine engine;
  private Rule rule;
  private List<List<PointEvent>> batches;
  private int step;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] wasm = Fixtures.referenceWasm();
    java = new ReferenceRule();
    compiled = new RawWasm(wasm, true, 64);
    compiledReturnChecks =
        new RawWasm(
            com.dylibso.chicory.wasm.Parser.parse(wasm),
            RawWasm::withReturnChecks,
            RawWasm.MemoryKind.FLAT,
            64);
    interpreted = new RawWasm(wasm, false, 64);
    compiledPaged = new RawWasm(wasm, true, RawWasm.MemoryKind.PAGED, 64);
    compiledByteBuffer = new RawWasm(wasm, true, RawWasm.MemoryKind.BYTE_BUFFER, 64);
    watchdog = Executors.newSingleThreadScheduledExecutor();
    engine = new RuleEngine(Fixtures.hostCaps(), watchdog, Clock.systemUTC());
    rule = engine.load("avg_alarm", wasm, Fixtures.referenceManifest());
    List<PointEvent> events = Fixtures.events();
    batches = new java.util.ArrayList<>();
    for (int i = 0; i + batch <= events.size(); i += batch) {
      batches.add(List.copyOf(events.subList(i, i + batch)));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
    watchdog.shutdownNow();
  }

  private int advance() {
    int s = step;
    step = (step + batch) % Fixtures.RING;
    return s;
  }

  @Benchmark
  public int plainJava() {
    int s = advance();
    for (int i = 0; i < batch; i++) {
      java.onSample(Fixtures.temperature(s + i));
    }
    return java.actions;
  }

  @Benchmark
  public int plainJavaOnEvents() {
    java.onEvents(nextBatch());
    return java.actions;
  }

  @Benchmark
  public int wasmCompiledBare() {
    compiled.deliver(advance(), batch);
    return compiled.actions;
  }

  /**
   * As {@link #wasmCompiledBare} with the sandbox's check before every function return
   * (ReturnChecks), the code the sandbox runs.
   */
  @Benchmark
  public int wasmCompiledBareReturnChecks() {
    compiledReturnChecks.deliver(advance(), batch);
    return compiledReturnChecks.actions;
  }

  /** As {@link #wasmCompiledBare} on Chicory's paged {@code ByteArrayMemory}. */
  @Benchmark
  public int wasmCompiledBarePaged() {
    compiledPaged.deliver(advance(), batch);
    return compiledPaged.actions;
  }

  /** As {@link #wasmCompiledBare} on Chicory's default memory, {@code ByteBufferMemory}. */
  @Benchmark
  public int wasmCompiledBareByteBuffer() {
    compiledByteBuffer.deliver(advance(), batch);
    return compiledByteBuffer.actions;
  }

  @Benchmark
  public int wasmInterpretedBare() {
    interpreted.deliver(advance(), batch);
    return interpreted.actions;
  }

  @Benchmark
  public RuleOutcome wasmCompiledSandbox() {
    RuleOutcome outcome = engine.evaluate(rule, nextBatch());
    if (!(outcome instanceof RuleOutcome.Committed)) {
      throw new IllegalStateException("the reference rule failed: " + outcome);
    }
    return outcome;
  }

  private List<PointEvent> nextBatch() {
    List<PointEvent> b = batches.get(next);
    next = (next + 1) % batches.size();
    return b;
  }
}
