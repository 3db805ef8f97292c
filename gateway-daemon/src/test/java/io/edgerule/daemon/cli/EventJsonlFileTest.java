package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole event files as bytes, as {@code rule test} reads them: line endings, a BOM, blank lines, no
 * final newline, invalid UTF-8, a 1 MB line and deeply nested JSON.
 */
class EventJsonlFileTest {
  private static final long SEED = 0xF11E5L;

  private static EventJsonl.Parsed parse(byte[] bytes, String context) {
    // A net for a reader that hangs, not a speed check: generous for a loaded 2-core machine.
    return assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          EventJsonl.Parsed parsed;
          try {
            parsed = EventJsonl.parse(bytes);
          } catch (Throwable t) {
            throw new AssertionError(context + ": parse threw " + t, t);
          }
          List<String> lines =
              List.of(new String(bytes, StandardCharsets.UTF_8).split("\r\n|\r|\n", -1));
          EventJsonlContract.checkParsed(
              parsed,
              parsed.events().size() + parsed.errors().size(),
              lines.size(),
              String.join("\n", lines),
              context);
          return parsed;
        });
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void lineEndingsBomAndBlankLinesDoNotChangeTheEvents() {
    for (List<String> seed : EventJsonlSeeds.all()) {
      EventJsonl.Parsed plain = EventJsonl.parse(seed);
      String lf = String.join("\n", seed) + "\n";
      List<String> variants =
          List.of(
              lf,
              lf.strip(),
              lf.replace("\n", "\r\n"),
              lf.replace("\n", "\r"),
              "\ufeff" + lf,
              "\ufeff" + lf.replace("\n", "\r\n").strip(),
              "\n\n" + lf.replace("\n", "\n  \t\n") + "\n\n",
              lf.replace("\n", " \t\n"));
      for (int i = 0; i < variants.size(); i++) {
        EventJsonl.Parsed parsed = parse(utf8(variants.get(i)), "variant " + i + " of " + seed);
        assertEquals(List.of(), parsed.errors(), "variant " + i);
        assertEquals(plain.events(), parsed.events(), "variant " + i);
      }
    }
    EventJsonl.Parsed empty = parse(new byte[0], "empty");
    assertTrue(empty.events().isEmpty() && empty.errors().isEmpty());
  }

  @Test
  void invalidUtf8IsReportedAtItsLineAndColumn() {
    SplittableRandom random = new SplittableRandom(SEED);
    byte[][] invalid = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}};
    List<List<String>> seeds = EventJsonlSeeds.all();
    for (int i = 0; i < 100; i++) {
      List<String> seed = seeds.get(random.nextInt(seeds.size()));
      int k = random.nextInt(seed.size());
      String line = seed.get(k);
      int at = random.nextInt(line.length() + 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int j = 0; j < seed.size(); j++) {
        byte[] text = utf8(seed.get(j));
        if (j == k) {
          out.write(text, 0, at);
          out.writeBytes(invalid[random.nextInt(invalid.length)]);
          out.write(text, at, text.length - at);
        } else {
          out.writeBytes(text);
        }
        out.write('\n');
      }
      String context = "seed " + SEED + ", case " + i + ": line " + (k + 1) + " at " + at;
      EventJsonl.Parsed parsed = parse(out.toByteArray(), context);
      assertTrue(!parsed.errors().isEmpty(), context);
      EventJsonl.LineError first = parsed.errors().get(0);
      assertEquals(k + 1, first.line(), context + ": " + parsed.errors());
      assertTrue(first.message().startsWith("not UTF-8 text"), context + ": " + first);
      assertTrue(first.message().contains("column " + (at + 1)), context + ": " + first);
    }
  }

  @Test
  void hugeAndDeepLinesAreErrorsOfTheirLine() {
    String ok = "{\"time\":\"2026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":1}";
    String next = "{\"time\":\"2026-11-21T10:00:01Z\",\"point\":\"tank/level\",\"value\":2}";
    List<String> bad = new ArrayList<>();
    bad.add(
        "{\"time\":\"2026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":[\""
            + "x".repeat(1_000_000)
            + "\"]}");
    bad.add("[".repeat(100_000) + "]".repeat(100_000));
    bad.add("{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000));
    bad.add(
        "{\"time\":\"2026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":1"
            + "0".repeat(1_000_000)
            + "}");
    bad.add("{\"" + "k".repeat(1_000_000) + "\":1}");
    bad.add("x".repeat(1_000_000));
    for (int i = 0; i < bad.size(); i++) {
      byte[] file = utf8(ok + "\n" + bad.get(i) + "\n" + next + "\n");
      EventJsonl.Parsed parsed = parse(file, "hostile line " + i);
      assertEquals(1, parsed.errors().size(), "hostile line " + i + ": " + parsed.errors());
      assertEquals(2, parsed.errors().get(0).line(), "hostile line " + i);
      assertEquals(2, parsed.events().size(), "the good lines around it still parse");
    }
    String mega =
        "{\"time\":\"2026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":\""
            + "x".repeat(1_000_000)
            + "\"}";
    assertEquals(1, parse(utf8(mega), "1 MB string value").events().size());
  }
}
