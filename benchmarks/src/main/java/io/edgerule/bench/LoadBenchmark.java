package io.edgerule.bench;

import io.edgerule.sandbox.Rule;
import io.edgerule.sandbox.RuleEngine;
import io.edgerule.sandbox.RuleManifest;
import java.time.Clock;
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
 * Loading rules: a module already in the compile cache (validate, instantiate, start section,
 * er_init), a module never seen before (parse, validate, compile to JVM bytecode, instantiate), and
 * a hot swap between two cached versions ({@code prepareSwap} + {@code completeSwap}, from request
 * to switch).
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LoadBenchmark {
  private ScheduledExecutorService watchdog;
  private RuleEngine engine;
  private RuleManifest manifest;
  private byte[] wasm;
  private byte[][] versions;
  private Rule current;
  private int version;
  private long unique;

  @Setup(Level.Trial)
  public void setUp() {
    watchdog = Executors.newSingleThreadScheduledExecutor();
    engine = new RuleEngine(Fixtures.hostCaps(), watchdog, Clock.systemUTC());
    manifest = Fixtures.referenceManifest();
    wasm = Fixtures.referenceWasm();
    // Anchors keep these modules in the compile cache (an entry lives while a rule uses it).
    engine.load("anchor", wasm, manifest);
    versions = new byte[][] {Fixtures.distinct(wasm, -1), Fixtures.distinct(wasm, -2)};
    engine.load("anchor1", versions[0], manifest);
    engine.load("anchor2", versions[1], manifest);
    current = engine.load("swapped", versions[0], manifest);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
    watchdog.shutdownNow();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public Rule instantiateCached() {
    Rule rule = engine.load("cached", wasm, manifest);
    engine.unload(rule);
    return rule;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public Rule hotSwap() {
    version ^= 1;
    Rule next = engine.prepareSwap(current, versions[version], null, manifest);
    engine.completeSwap(current, next);
    current = next;
    return next;
  }

  /** Every call compiles: the bytes differ (a custom section) so the cache never hits. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  public Rule firstLoad() {
    Rule rule = engine.load("fresh", Fixtures.distinct(wasm, unique++), manifest);
    engine.unload(rule);
    return rule;
  }
}
