package io.edgerule.bench;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.RuleOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How soon a rule that never returns is stopped after its 20 ms deadline: one call of
 * examples/rules/spin.wasm per measurement, from the call to the DEADLINE outcome (the watchdog's
 * scheduling plus the compiled code's next interruption check). The tests only check that such a
 * call is stopped at all; how soon depends on the machine's load, so it is measured here (run on a
 * quiet machine; JMH prints the percentiles of the single shots).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DeadlineBenchmark {
  private static final List<PointEvent> ONE =
      List.of(
          new PointEvent(
              PointId.parse("tank/level"),
              PointValue.of(1.0),
              Quality.GOOD,
              Instant.EPOCH,
              Instant.EPOCH,
              1));

  private ScheduledExecutorService watchdog;
  private RuleEngine engine;
  private RuleManifest manifest;
  private byte[] wasm;
  private Rule rule;

  @Setup(Level.Trial)
  public void setUp() {
    watchdog = Executors.newSingleThreadScheduledExecutor();
    engine = new RuleEngine(Fixtures.hostCaps(), watchdog, Clock.systemUTC());
    manifest =
        RuleManifest.parse(
            "name: spin\ninputs: [tank/level]\nlimits: {deadline: 20ms}\n", "spin.yaml");
    wasm = resource("/spin.wasm");
  }

  /** A fresh rule per shot: the spin's faults would quarantine a rule kept across shots. */
  @Setup(Level.Iteration)
  public void load() {
    rule = engine.load("spin", wasm, manifest);
  }

  @TearDown(Level.Iteration)
  public void unload() {
    engine.unload(rule);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
    watchdog.shutdownNow();
  }

  @Benchmark
  public RuleOutcome spinUntilTheDeadline() {
    RuleOutcome out = engine.evaluate(rule, ONE);
    if (!(out instanceof RuleOutcome.Failed)) {
      throw new IllegalStateException("the spin rule was not stopped: " + out);
    }
    return out;
  }

  private static byte[] resource(String name) {
    try (InputStream in = DeadlineBenchmark.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
