package io.edgerule.daemon.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Valid JSONL event files to mutate: the examples' and one that uses every key and type. */
final class EventJsonlSeeds {
  private EventJsonlSeeds() {}

  /** Every key, every value type, epoch-millisecond time, explicit seq, bad/uncertain quality. */
  static final List<String> EVERY_KEY =
      List.of(
          "{\"time\":\"2026-11-21T10:00:01Z\",\"point\":\"tank/level\",\"type\":\"float64\","
              + "\"value\":81.5,\"quality\":\"good\",\"source_time\":\"2026-11-21T10:00:01Z\","
              + "\"seq\":7}",
          "{\"time\":\"2026-11-21T10:00:02Z\",\"point\":\"tank/level\",\"quality\":\"bad\","
              + "\"reason\":\"timeout after 1000 ms\",\"seq\":8}",
          "{\"time\":1795255203000,\"point\":\"plug1/power/active\",\"type\":\"int64\","
              + "\"value\":-5,\"seq\":9}",
          "{\"time\":\"2026-11-21T10:00:04Z\",\"point\":\"cam/frame\",\"type\":\"bytes\","
              + "\"value\":\"AAEC\"}",
          "{\"source_time\":\"2026-11-21T10:00:05Z\",\"point\":\"tank/mode\",\"type\":\"string\","
              + "\"value\":\"auto\",\"quality\":\"uncertain\",\"reason\":\"stale\"}",
          "{\"time\":\"2026-11-21T10:00:06Z\",\"point\":\"tank/pump\",\"value\":true}");

  /** Each example's events file and {@link #EVERY_KEY}, as lines. */
  static List<List<String>> all() {
    List<List<String>> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(RuleCommandTest.EXAMPLES)) {
      for (Path p : list.filter(p -> p.toString().endsWith(".events.jsonl")).sorted().toList()) {
        files.add(Files.readAllLines(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (files.size() < 5) {
      throw new AssertionError("examples/rules/*.events.jsonl not found: " + files.size());
    }
    files.add(EVERY_KEY);
    return files;
  }

  /** Tokens the mutator inserts. */
  static final List<String> DICTIONARY =
      List.of(
          "null",
          "true",
          "-0",
          "1e999",
          "-1e999",
          "1.0e-400",
          "99999999999999999999",
          "9223372036854775807",
          "-9223372036854775808",
          "NaN",
          "Infinity",
          "\"\"",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "\"\\x\"",
          "[]",
          "{}",
          "[[[[",
          "]]]]",
          "{\"a\":",
          ",",
          ":",
          "\"",
          "\\",
          "//",
          "/*",
          "\u0000",
          "\ufeff",
          "\u2028",
          "\"tank/level\"",
          "\"a/+\"",
          "\"/\"",
          "\"bad\"",
          "\"bytes\"",
          "\"int64\"",
          "\"bool\"",
          "\"!!!\"",
          "\"2026-13-45T99:00:00Z\"",
          "\"+1000000000-01-01T00:00:00Z\"",
          "\"9026-11-21T10:00:00Z\"",
          ",\"seq\":1",
          ",\"value\":2",
          ",\"extra\":1",
          "} {",
          "x".repeat(200));
}
