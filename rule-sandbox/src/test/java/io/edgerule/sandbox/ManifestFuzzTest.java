package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Mutated example manifests (examples/rules/*.yaml) through {@link RuleManifest#parse}: each either
 * parses or throws {@link ManifestException} saying where (line and column) and what; never another
 * exception, never a stack overflow. Seeds are fixed: a failure names the seed file and the exact
 * mutation.
 */
class ManifestFuzzTest {
  private static final long SEED = 0x3a_11fe_57L;
  private static final Path EXAMPLES = Path.of("..", "examples", "rules");
  private static final Duration SAFETY_NET = Duration.ofSeconds(60);

  /** Characters that mean something to YAML, break lexers, or are not text at all. */
  private static final String[] NASTY = {
    "\t",
    "\0",
    "\n",
    "\r",
    "\r\n",
    " ",
    ":",
    ": ",
    "-",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "&a",
    "*a",
    "!",
    "!!binary ",
    "!!python/object:os.system ",
    "%",
    "@",
    "`",
    "|",
    ">",
    "?",
    "? ",
    "'",
    "\"",
    "\\",
    "---",
    "...",
    "~",
    "\u00e9",
    "\u2028",
    "\ufeff",
    "\uffff",
    "\ud800",
    "\udc00",
    "\ud83d\ude00",
    "\u0085",
    "\u001b",
    "\u007f",
    "0x",
    "1e999999",
    "99999999999999999999999",
    "-",
    "0",
    ".nan",
    "null",
    "true",
    "=",
    "<<: *a",
    "&a [*a, *a]"
  };

  /** Whole snippets: deep nesting, huge values, duplicate keys, wrong types. */
  private static final List<String> SNIPPETS =
      List.of(
          "[".repeat(10_000),
          "[".repeat(10_000) + "]".repeat(10_000),
          "{a: ".repeat(10_000) + "1" + "}".repeat(10_000),
          "- ".repeat(10_000) + "x",
          nestedBlockList(300),
          nestedBlockMap(300),
          "name: " + "x".repeat(200_000),
          "description: " + "y".repeat(500_000),
          "x".repeat(100_000) + ": 1",
          "limits:\n  memory_pages: " + "9".repeat(5_000),
          "limits: {deadline: 999999999h, init_deadline: 999999999h, fault_window: 999999999h,"
              + " readmit_backoff: 999999999h, readmit_backoff_max: 999999999h}",
          "limits: {memory_pages: -1, max_actions: 2147483648, state_bytes: 1.5e300}",
          "tick: 999999999999999999999ms",
          "abi: 18446744073709551617",
          "abi: 0x1",
          "name: a\nname: b",
          "limits: {deadline: 1s, deadline: 2s}",
          "inputs: {a: b}",
          "inputs: [[a], {b: c}]",
          "limits: [1, 2]",
          "limits: 5",
          "name: [x]",
          "name: {x: y}",
          "name: !!binary aGVsbG8=",
          "name: &a x\ninputs: [*a, *a]",
          "? [complex, key]\n: value",
          "? {a: b}\n: c",
          "[a, b]: c",
          "{a: b}: c",
          "null: x",
          "~: x",
          "1: x",
          "inputs: [tank/#/x]",
          "module: \"\\0\"",
          "module: \"a\\u0000b\"",
          "---\nname: a\n---\nname: b",
          "%YAML 1.1\n---\nname: x",
          "%TAG ! tag:x,2000:\n---\nname: !foo x",
          "a: &x [*x]",
          lol(9));

  private static String nestedBlockList(int depth) {
    StringBuilder b = new StringBuilder("inputs:\n");
    for (int i = 0; i < depth; i++) {
      b.append(" ".repeat(i)).append("-\n");
    }
    return b.toString();
  }

  private static String nestedBlockMap(int depth) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      b.append(" ".repeat(i)).append("k").append(i).append(":\n");
    }
    return b.toString();
  }

  /** "Billion laughs": aliases of aliases. */
  private static String lol(int levels) {
    StringBuilder b = new StringBuilder("a0: &a0 [lol]\n");
    for (int i = 1; i < levels; i++) {
      b.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        b.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      b.append("]\n");
    }
    return b.toString();
  }

  record Seed(String file, String yaml) {}

  record Mutant(String description, String yaml) {}

  static List<Seed> seeds() {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      List<Seed> seeds = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        seeds.add(new Seed(p.getFileName().toString(), Files.readString(p)));
      }
      assertTrue(seeds.size() >= 8, "the example manifests are there: " + seeds);
      return seeds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everySeedParses() {
    for (Seed seed : seeds()) {
      RuleManifest m = RuleManifest.parse(seed.yaml(), seed.file());
      assertTrue(!m.name().isEmpty() && !m.inputs().isEmpty(), seed.file());
    }
  }

  @Test
  void truncatedAtEveryLength() {
    fuzz(
        (seed, random) -> {
          List<Mutant> out = new ArrayList<>();
          for (int length = 0; length < seed.yaml().length(); length++) {
            out.add(new Mutant("truncate to " + length, seed.yaml().substring(0, length)));
          }
          return out;
        });
  }

  @Test
  void randomCharacterFlipsInsertionsAndDeletions() {
    fuzz(
        (seed, random) -> {
          List<Mutant> out = new ArrayList<>();
          for (int i = 0; i < 300; i++) {
            out.add(edits(seed.yaml(), random, 1 + random.nextInt(i % 10 == 0 ? 8 : 2)));
          }
          return out;
        });
  }

  @Test
  void hostileSnippetsAnywhere() {
    String first = seeds().get(0).file(); // seed-independent mutants run once, with this seed
    fuzz(
        (seed, random) -> {
          List<Mutant> out = new ArrayList<>();
          String yaml = seed.yaml();
          for (int i = 0; i < SNIPPETS.size(); i++) {
            String snippet = SNIPPETS.get(i);
            if (seed.file().equals(first)) {
              out.add(new Mutant("snippet " + i + " alone", snippet));
            }
            if (snippet.length() > 1_000 && random.nextInt(4) != 0) {
              continue; // the huge ones in a quarter of the seeds: they cost the most to parse
            }
            out.add(new Mutant("snippet " + i + " appended", yaml + "\n" + snippet + "\n"));
            int at = lineStart(yaml, random);
            out.add(
                new Mutant(
                    "snippet " + i + " inserted at " + at,
                    yaml.substring(0, at) + snippet + "\n" + yaml.substring(at)));
            int value = yaml.indexOf(": ", random.nextInt(yaml.length()));
            if (value > 0) {
              int eol = yaml.indexOf('\n', value);
              out.add(
                  new Mutant(
                      "snippet " + i + " as the value at " + value,
                      yaml.substring(0, value + 2)
                          + snippet
                          + (eol < 0 ? "" : yaml.substring(eol))));
            }
          }
          return out;
        });
  }

  // ---- the contract ----

  private static Mutant edits(String yaml, SplittableRandom random, int count) {
    StringBuilder text = new StringBuilder(yaml);
    List<String> what = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int at = random.nextInt(text.length() + 1);
      String nasty = NASTY[random.nextInt(NASTY.length)];
      switch (random.nextInt(3)) {
        case 0 -> {
          if (at < text.length()) {
            what.add("replace " + at + " with " + escape(nasty));
            text.replace(at, at + 1, nasty);
          }
        }
        case 1 -> {
          what.add("insert " + escape(nasty) + " at " + at);
          text.insert(at, nasty);
        }
        default -> {
          if (at < text.length()) {
            what.add("delete " + at + " (" + escape(text.substring(at, at + 1)) + ")");
            text.deleteCharAt(at);
          }
        }
      }
    }
    return new Mutant(String.join(", ", what), text.toString());
  }

  private static int lineStart(String yaml, SplittableRandom random) {
    int at = yaml.lastIndexOf('\n', random.nextInt(yaml.length()));
    return at < 0 ? 0 : at + 1;
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder("'");
    for (char c : s.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return b.append("'").toString();
  }

  @FunctionalInterface
  private interface Mutations {
    List<Mutant> of(Seed seed, SplittableRandom random);
  }

  private void fuzz(Mutations mutations) {
    List<String> violations = new ArrayList<>();
    int[] parsed = {0};
    int[] refused = {0};
    assertTimeoutPreemptively(
        SAFETY_NET,
        () -> {
          List<Seed> seeds = seeds();
          for (int i = 0; i < seeds.size(); i++) {
            Seed seed = seeds.get(i);
            for (Mutant m : mutations.of(seed, new SplittableRandom(SEED + i))) {
              String problem = violation(seed, m, parsed, refused);
              if (problem != null) {
                violations.add(
                    seed.file()
                        + " (random seed SEED+"
                        + i
                        + " = "
                        + (SEED + i)
                        + "), "
                        + shorten(m.description())
                        + ": "
                        + problem);
              }
            }
          }
        },
        "the fuzz run did not finish within the safety net");
    System.out.println(
        getClass().getSimpleName() + ": " + parsed[0] + " parsed, " + refused[0] + " refused");
    assertTrue(
        violations.isEmpty(),
        () ->
            violations.size()
                + " mutants broke the manifest contract (SEED="
                + SEED
                + "):\n"
                + String.join("\n", violations.subList(0, Math.min(25, violations.size()))));
  }

  private static String violation(Seed seed, Mutant m, int[] parsed, int[] refused) {
    try {
      RuleManifest.parse(m.yaml(), seed.file());
      parsed[0]++;
      return null;
    } catch (ManifestException e) {
      refused[0]++;
      String problem = e.problem();
      if (problem == null || problem.isBlank()) {
        return "ManifestException without a problem: " + e.getMessage();
      }
      if (!e.getMessage().startsWith(seed.file() + ":")) {
        return "the message does not name the source: " + shorten(e.getMessage());
      }
      boolean empty = problem.startsWith("the manifest is empty");
      if (!empty && (e.line() < 1 || e.column() < 1)) {
        return "no line and column: " + shorten(e.getMessage());
      }
      if (e.getMessage().length() > 2_000) {
        return "a message of "
            + e.getMessage().length()
            + " characters: "
            + shorten(e.getMessage());
      }
      return null;
    } catch (Throwable t) {
      StackTraceElement[] trace = t.getStackTrace();
      return "threw "
          + t.getClass().getName()
          + ": "
          + shorten(String.valueOf(t.getMessage()))
          + (trace.length > 0 ? " at " + trace[0] : "");
    }
  }

  private static String shorten(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " characters)";
  }
}
