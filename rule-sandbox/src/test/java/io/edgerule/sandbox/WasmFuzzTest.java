package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointPattern;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.sandbox.WasmMutations.Mutant;
import io.edgerule.sandbox.WasmMutations.Section;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mutated example modules (C, AssemblyScript and Rust builds from examples/rules) through {@link
 * RuleEngine#load}: every load either succeeds or throws {@link RuleLoadException} with a message;
 * a mutant that loads runs a batch to an outcome, never an exception; afterwards the same engine
 * still loads and runs a good rule. Seeds are fixed: a failure names the seed file and the exact
 * mutation.
 */
class WasmFuzzTest {
  private static final long SEED = 0x3d_f00d_5eedL;
  private static final Path EXAMPLES = Path.of("..", "examples", "rules");

  /** Whole-test safety net only; the engine's own deadlines end every call. */
  private static final Duration SAFETY_NET = Duration.ofSeconds(120);

  /** One real module with the manifest it ships with. */
  record Seed(String file, byte[] wasm, RuleManifest manifest) {
    @Override
    public String toString() {
      return file;
    }
  }

  private ScheduledExecutorService scheduler;
  private RuleEngine engine;
  private int loaded;
  private int refused;

  @BeforeEach
  void startEngine() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    // Short deadlines: a mutant that loops (a flipped branch) costs 50 ms, not the default second.
    RuleLimits caps =
        RuleLimits.defaults()
            .with(RuleLimit.DEADLINE, Duration.ofMillis(50))
            .with(RuleLimit.INIT_DEADLINE, Duration.ofMillis(200));
    engine = new RuleEngine(caps, scheduler, Clock.systemUTC());
  }

  @AfterEach
  void stopEngine() throws InterruptedException {
    engine.close();
    scheduler.shutdownNow();
    assertTrue(scheduler.awaitTermination(5, TimeUnit.SECONDS));
  }

  static List<Seed> seeds() {
    List<Seed> seeds = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path yaml : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        RuleManifest manifest = RuleManifest.load(yaml);
        String base = yaml.getFileName().toString().replace(".yaml", "");
        for (String wasm : List.of(base + ".wasm", base + ".as.wasm", base + ".rs.wasm")) {
          Path file = EXAMPLES.resolve(wasm);
          if (Files.exists(file)) {
            seeds.add(new Seed(wasm, Files.readAllBytes(file), manifest));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(seeds.size() >= 15, "the example modules are there: " + seeds);
    assertTrue(seeds.stream().anyMatch(s -> s.file().endsWith(".as.wasm")), "AssemblyScript");
    assertTrue(seeds.stream().anyMatch(s -> s.file().endsWith(".rs.wasm")), "Rust");
    return seeds;
  }

  // ---- the mutation families ----

  @Test
  void everySeedLoadsAsShipped() {
    // The seeds pass every check (so the prescan refuses no real module) and run a batch.
    for (Seed seed : seeds()) {
      Rule rule = engine.load(seed.manifest().name(), seed.wasm(), seed.manifest());
      RuleOutcome out = engine.evaluate(rule, batchFor(seed.manifest()));
      if (!seed.file().startsWith("spin")) {
        assertInstanceOf(RuleOutcome.Committed.class, out, seed + ": " + out);
      }
      engine.unload(rule);
    }
    engineStillWorks();
  }

  @Test
  void truncatedAtEveryLength() {
    fuzz(
        "truncated",
        (seed, random) -> {
          List<Mutant> out = new ArrayList<>();
          for (int length = 0; length < seed.wasm().length; length++) {
            out.add(WasmMutations.truncate(seed.wasm(), length));
          }
          return out;
        });
  }

  @Test
  void randomByteFlips() {
    fuzz(
        "byte flip",
        (seed, random) -> {
          List<Mutant> out = new ArrayList<>();
          for (int i = 0; i < 36; i++) {
            out.add(WasmMutations.flip(seed.wasm(), random));
          }
          for (int i = 0; i < 10; i++) {
            out.add(WasmMutations.flips(seed.wasm(), random, 2 + random.nextInt(6)));
          }
          return out;
        });
  }

  @Test
  void randomInsertionsAndDeletions() {
    fuzz(
        "insertion/deletion",
        (seed, random) -> {
          List<Mutant> out = new ArrayList<>();
          for (int i = 0; i < 40; i++) {
            out.add(WasmMutations.insert(seed.wasm(), random));
            out.add(WasmMutations.delete(seed.wasm(), random));
          }
          for (int i = 0; i < 25; i++) {
            out.add(WasmMutations.insertInSection(seed.wasm(), random));
            out.add(WasmMutations.deleteInSection(seed.wasm(), random));
          }
          return out;
        });
  }

  @Test
  void hugeLengthFields() {
    long[] huge = {0xffff_ffffL, 0x7fff_ffffL, 0x8000_0000L, 0x1000_0000L, 0xffff};
    fuzz(
        "huge length",
        (seed, random) -> {
          List<Mutant> out = new ArrayList<>();
          byte[] wasm = seed.wasm();
          for (Section s : WasmMutations.sections(wasm)) {
            out.add(WasmMutations.hugeSectionSize(wasm, s, 0xffff_ffffL));
            out.add(WasmMutations.hugeSectionSize(wasm, s, wasm.length - s.content() + 1));
            if (s.end() > s.content()) {
              for (long value : huge) {
                // The first field of every section but custom and start is its vector count.
                out.add(WasmMutations.hugeLeb(wasm, s, s.content(), value));
                out.add(WasmMutations.hugeLeb(wasm, s, WasmMutations.lebOffset(s, random), value));
              }
            }
          }
          return out;
        });
  }

  @Test
  void duplicatedReorderedAndRenumberedSections() {
    int[] ids = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0x7f, 0xff};
    fuzz(
        "section order",
        (seed, random) -> {
          List<Mutant> out = new ArrayList<>();
          byte[] wasm = seed.wasm();
          List<Section> sections = WasmMutations.sections(wasm);
          for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            out.add(WasmMutations.duplicate(wasm, s));
            if (i + 1 < sections.size()) {
              out.add(WasmMutations.swap(wasm, s, sections.get(i + 1)));
            }
            for (int id : ids) {
              if (id != s.id()) {
                out.add(WasmMutations.renumber(wasm, s, id));
              }
            }
          }
          return out;
        });
  }

  // ---- the contract ----

  /** The mutants of one seed; {@code random} is seeded with SEED + the seed's index. */
  @FunctionalInterface
  private interface Mutations {
    List<Mutant> of(Seed seed, SplittableRandom random);
  }

  /** Loads every mutant of every seed, then proves the engine still works. */
  private void fuzz(String family, Mutations mutations) {
    List<String> violations = new ArrayList<>();
    assertTimeoutPreemptively(
        SAFETY_NET,
        () -> {
          List<Seed> seeds = seeds();
          for (int i = 0; i < seeds.size(); i++) {
            Seed seed = seeds.get(i);
            for (Mutant m : mutations.of(seed, new SplittableRandom(SEED + i))) {
              String problem = violation(seed, m);
              if (problem != null) {
                violations.add(
                    seed.file()
                        + " (random seed SEED+"
                        + i
                        + " = "
                        + (SEED + i)
                        + "), "
                        + m.description()
                        + ": "
                        + problem);
              }
            }
          }
          engineStillWorks();
        },
        "the fuzz run did not finish within the safety net");
    System.out.println(
        "WasmFuzzTest " + family + ": " + loaded + " mutants loaded, " + refused + " refused");
    assertTrue(
        violations.isEmpty(),
        () ->
            violations.size()
                + " "
                + family
                + " mutants broke the load contract (SEED="
                + SEED
                + "):\n"
                + String.join("\n", violations.subList(0, Math.min(25, violations.size()))));
  }

  /** Null if the mutant was handled as the contract says, else what went wrong. */
  private String violation(Seed seed, Mutant m) {
    RuleManifest manifest = seed.manifest();
    Rule rule;
    try {
      rule = engine.load(manifest.name(), m.bytes(), manifest);
    } catch (RuleLoadException e) {
      refused++;
      if (e.problem() == null || e.problem().isBlank()) {
        return "RuleLoadException without a problem: " + e.getMessage();
      }
      if (Thread.interrupted()) {
        return "the refused load left the thread's interrupt flag set: " + e.getMessage();
      }
      if (!engine.rules().isEmpty() || engine.compiledModules() != 0) {
        return "the refused load left " + engine.rules() + " / a compiled module behind";
      }
      return null;
    } catch (Throwable t) {
      return "load threw " + describe(t);
    }
    loaded++;
    try {
      List<PointEvent> batch = batchFor(manifest);
      for (int i = 0; i < 2; i++) {
        RuleOutcome out = engine.evaluate(rule, batch);
        if (out == null) {
          return "evaluate returned null";
        }
        if (manifest.tickPeriod().isPresent() && engine.tick(rule) == null) {
          return "tick returned null";
        }
      }
      if (Thread.interrupted()) {
        return "evaluate left the thread's interrupt flag set";
      }
      return null;
    } catch (Throwable t) {
      return "evaluate threw " + describe(t);
    } finally {
      engine.unload(rule);
    }
  }

  /** A few events of every type and quality on a point each of the manifest's inputs matches. */
  static List<PointEvent> batchFor(RuleManifest manifest) {
    List<PointEvent> batch = new ArrayList<>();
    for (PointPattern input : manifest.inputs()) {
      String point = input.toString().replace("+", "x").replace("#", "x");
      if (!point.contains("/")) {
        point = point + "/x";
      }
      batch.add(Events.f64(point, 95.0));
      batch.add(Events.f64(point, -1e300));
      batch.add(Events.of(point, PointValue.of(7L)));
      batch.add(Events.of(point, PointValue.of(true)));
      batch.add(Events.of(point, PointValue.of("text")));
      batch.add(Events.of(point, PointValue.of(12.5), Quality.bad("timeout after 1000 ms")));
      batch.add(Events.f64(point, 10.0));
    }
    return batch;
  }

  private static String describe(Throwable t) {
    StackTraceElement[] trace = t.getStackTrace();
    return t.getClass().getName()
        + ": "
        + t.getMessage()
        + (trace.length > 0 ? " at " + trace[0] : "")
        + (t.getCause() != null ? " (cause " + t.getCause() + ")" : "");
  }

  /** Loses nothing: the same engine loads a good rule and runs it correctly after the fuzz. */
  private void engineStillWorks() {
    assertFalse(Thread.currentThread().isInterrupted(), "no interrupt left behind");
    assertTrue(engine.rules().isEmpty(), "every mutant was unloaded or refused");
    assertEquals(0, engine.compiledModules(), "no refused mutant stays in the compile cache");
    RuleManifest manifest = RuleManifest.load(EXAMPLES.resolve("threshold_alarm.yaml"));
    Rule rule = engine.load(manifest.name(), manifest.module().orElseThrow(), manifest);
    String t = "boiler/temperature";
    RuleOutcome cold = engine.evaluate(rule, List.of(Events.f64(t, 20.0)));
    assertEquals(List.of(), assertInstanceOf(RuleOutcome.Committed.class, cold).actions());
    RuleOutcome hot = engine.evaluate(rule, List.of(Events.f64(t, 95.0)));
    List<RuleAction> actions = assertInstanceOf(RuleOutcome.Committed.class, hot).actions();
    assertEquals(1, actions.size(), actions::toString);
    assertEquals(
        "boiler/overtemp", assertInstanceOf(RuleAction.RaiseAlarm.class, actions.get(0)).alarm());
    engine.unload(rule);
  }
}
