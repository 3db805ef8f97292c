package io.edgerule.bench;

import io.edgerule.adapter.PointEvent;
import io.edgerule.sandbox.internal.EventEncoder;
import java.util.List;
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

/**
 * The host's share of a batch that is not the rule: encoding the events into 32-byte records (the
 * rest of the guard, watchdog slot and action staging, is {@code wasmCompiledSandbox -
 * wasmCompiledBare - encode} in docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardBenchmark {
  @Param({"1", "64"})
  int batch;

  private final EventEncoder encoder = new EventEncoder();
  private List<PointEvent> events;

  @Setup(Level.Trial)
  public void setUp() {
    events = List.copyOf(Fixtures.events().subList(0, batch));
  }

  @Benchmark
  public int encode() {
    return encoder.encode(events, p -> 0);
  }
}
