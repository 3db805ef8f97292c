package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.Mutator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgerule rule test} on hostile event files: bad lines are listed with their numbers and
 * nothing runs (exit 2, no output); times that would make the replay tick for ever, or that the
 * virtual clock cannot show, are refused the same way instead of hanging or crashing.
 */
class RuleTestHostileEventsTest {
  private static final long SEED = 0x7E57L;
  private static final Path EXAMPLES = RuleCommandTest.EXAMPLES;
  private static final Pattern SUMMARY = Pattern.compile("(\\d+) bad line\\(s\\); nothing was run");

  @TempDir Path tmp;

  private static CliRun test(String rule, Path events, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "rule",
            "test",
            "--wasm",
            EXAMPLES.resolve(rule + ".wasm").toString(),
            "--manifest",
            EXAMPLES.resolve(rule + ".yaml").toString(),
            "--events",
            events.toString()));
    args.addAll(List.of(more));
    return assertTimeoutPreemptively(
        Duration.ofSeconds(30), () -> CliRun.run(args.toArray(String[]::new)));
  }

  @Test
  void mutatedFilesListEveryBadLineAndRunNothing() throws Exception {
    List<String> seed = Files.readAllLines(EXAMPLES.resolve("pump.events.jsonl"));
    Mutator mutator = new Mutator(SEED, EventJsonlSeeds.DICTIONARY);
    int bad = 0;
    for (int i = 0; i < 6; i++) {
      List<String> lines = new ArrayList<>(seed);
      int k = mutator.nextInt(lines.size());
      Mutator.Mutant m = mutator.mutate(lines.get(k));
      lines.set(k, m.text().replace('\n', ' ').replace('\r', ' '));
      Path events = tmp.resolve("mutant" + i + ".jsonl");
      Files.writeString(events, String.join("\n", lines) + "\n");
      String context = "seed " + SEED + ", mutant " + i + " (" + m.how() + "): " + m.shown();
      int expectedErrors = EventJsonl.parse(lines).errors().size();
      CliRun r = test("pump", events);
      if (expectedErrors == 0) {
        assertEquals(0, r.code(), context + ": " + r.err());
        continue;
      }
      bad++;
      assertEquals(2, r.code(), context + ": " + r.err());
      assertEquals("", r.out(), context + ": nothing runs");
      Matcher summary = SUMMARY.matcher(r.err());
      assertTrue(summary.find(), context + ": " + r.err());
      assertEquals(expectedErrors, Integer.parseInt(summary.group(1)), context);
      assertTrue(r.err().contains(events + ":" + (k + 1) + ": "), context + ": " + r.err());
    }
    assertTrue(bad >= 3, "most mutants have a bad line: " + bad);
  }

  @Test
  void invalidUtf8NamesItsLine() throws Exception {
    Path events = tmp.resolve("latin1.jsonl");
    byte[] good =
        Files.readString(EXAMPLES.resolve("pump.events.jsonl")).getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[good.length + 1];
    System.arraycopy(good, 0, bytes, 0, good.length);
    bytes[good.length] = (byte) 0xe9; // 'é' in Latin-1, after the last line: a line of its own
    Files.write(events, bytes);
    CliRun r = test("pump", events);
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
    int lines = Files.readAllLines(EXAMPLES.resolve("pump.events.jsonl")).size();
    assertTrue(r.err().contains(events + ":" + (lines + 1) + ": not UTF-8 text"), r.err());
  }

  @Test
  void bomAndCrlfGiveTheSameOutput() throws Exception {
    String lf = Files.readString(EXAMPLES.resolve("pump.events.jsonl"));
    Path plain = tmp.resolve("plain.jsonl");
    Files.writeString(plain, lf);
    Path windows = tmp.resolve("windows.jsonl");
    Files.writeString(windows, "\ufeff" + lf.replace("\n", "\r\n").strip());
    CliRun a = test("pump", plain);
    CliRun b = test("pump", windows);
    assertEquals(0, b.code(), b.err());
    assertTrue(!a.out().isEmpty(), "the pump example acts");
    assertEquals(a.out(), b.out());
  }

  @Test
  void timesThatWouldTickForEverOrOverflowTheClockRunNothing() throws Exception {
    // watchdog ticks every second: 9026 after 2026 was 2.2e11 ticks, the command never ended.
    Path future = tmp.resolve("future.jsonl");
    Files.writeString(
        future,
        "{\"time\":\"2026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":50}\n"
            + "{\"time\":\"9026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":50}\n");
    CliRun far = test("watchdog", future);
    assertEquals(2, far.code(), far.err());
    assertEquals("", far.out());
    assertTrue(far.err().contains("seq 2") && far.err().contains("nothing was run"), far.err());

    Path one = tmp.resolve("one.jsonl");
    Files.writeString(
        one, "{\"time\":\"2026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":50}\n");
    CliRun end = test("watchdog", one, "--end-time", "+100000-01-01T00:00:00Z");
    assertEquals(2, end.code(), end.err());
    assertTrue(end.err().contains("--end-time"), end.err());
    // Beyond what epoch milliseconds hold: an ArithmeticException from the virtual clock before.
    CliRun start = test("watchdog", one, "--start-time", "+1000000000-01-01T00:00:00Z");
    assertEquals(2, start.code(), start.err());
    assertTrue(start.err().contains("--start-time") && start.err().contains("out of range"));
    Path huge = tmp.resolve("huge.jsonl");
    Files.writeString(
        huge, "{\"time\":\"+1000000000-01-01T00:00:00Z\",\"point\":\"tank/level\",\"value\":5}\n");
    CliRun line = test("watchdog", huge);
    assertEquals(2, line.code(), line.err());
    assertTrue(line.err().contains(huge + ":1: 'time'"), line.err());
  }
}
