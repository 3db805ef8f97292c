package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifests ManifestFuzzTest found problems with, one by one. */
class HostileManifestTest {

  private static ManifestException error(String yaml) {
    return assertThrows(ManifestException.class, () -> RuleManifest.parse(yaml, "rules/x.yaml"));
  }

  @Test
  void deepNestingIsRefusedAtItsPosition() {
    // Was: "rules/x.yaml: YAML syntax: Document nesting depth (1001) exceeds ..." with no line.
    assertEquals(
        "rules/x.yaml:1:65: nested more than 64 levels deep",
        error("[".repeat(10_000)).getMessage());
    assertEquals(
        "rules/x.yaml:1:129: nested more than 64 levels deep",
        error("- ".repeat(10_000) + "x").getMessage());
    ManifestException map = error("name: x\nlimits: " + "{a: ".repeat(10_000));
    assertEquals(2, map.line(), map.getMessage());
    assertTrue(map.column() > 1, map.getMessage());
    // A manifest's real depth is far below the limit.
    RuleManifest.parse("name: x\ninputs: [a/b]\nlimits: {deadline: 1s}\n", "rules/x.yaml");
  }

  @Test
  void longValuesAreShortenedInMessages() {
    // Was: a 200,116-character message repeating the whole value.
    String x = "x".repeat(200_000);
    assertEquals(
        "rules/x.yaml:1:7: name: invalid rule name '"
            + "x".repeat(80)
            + "...' (200000 characters): 1 to 64 letters, digits, '_', '.' or '-' (it is used in"
            + " MQTT topics)",
        error("name: " + x + "\n").getMessage());
    assertTrue(error("name: a\n" + x + ": 1\n").getMessage().length() < 400, "unknown key");
    assertTrue(error("name: a\ninputs: ['#/" + x + "']\n").getMessage().length() < 400, "pattern");
    assertTrue(error("name: a\ntick: " + x + "\n").getMessage().length() < 400, "duration");
    assertTrue(
        error("name: a\nlimits: {max_actions: " + "9".repeat(5000) + "}\n").getMessage().length()
            < 400,
        "number");
  }

  @Test
  void aManifestOfMegabytesIsRefused(@TempDir Path dir) throws Exception {
    // Was: seconds of YAML parsing until SnakeYAML's limit of 3 MiB code points; now refused at
    // once, where the text crosses the limit.
    assertEquals(
        "rules/x.yaml:2:262137: the manifest is longer than 262144 characters; a manifest is a few"
            + " lines of YAML",
        error("name: x\ndescription: " + "y".repeat(4_000_000) + "\n").getMessage());
    // Was: Files.readString of the whole file (an OutOfMemoryError above 2 GiB, or forever on a
    // device); now at most 256 KiB are read.
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: 3 GiB of zeros that take no disk
    }
    ManifestException e = assertThrows(ManifestException.class, () -> RuleManifest.load(big));
    assertEquals(
        big + ": the file is larger than 256 KiB; a manifest is a few lines of YAML",
        e.getMessage());
  }

  @Test
  void bytesThatAreNotUtf8AreReportedAtTheirPosition(@TempDir Path dir) throws Exception {
    // Was: "cannot read: MalformedInputException Input length = 1", line 0.
    Path file = dir.resolve("m.yaml");
    Files.write(
        file, "name: x\ndescription: caf\u00e9 \u00ff!\n".getBytes(StandardCharsets.ISO_8859_1));
    ManifestException e = assertThrows(ManifestException.class, () -> RuleManifest.load(file));
    assertEquals(
        file
            + ":2:17: not UTF-8 text: byte 0xE9 at offset 24 is not a valid UTF-8 sequence; save"
            + " the file as UTF-8",
        e.getMessage());
  }

  @Test
  void hugeNumbersSayTheBoundTheyCross() {
    // Was: "must be at least 1, not 2147483648" and "expected a whole number, found '9999...'".
    assertEquals(
        "rules/x.yaml:2:23: limits.max_actions: must be at most 2147483647, not 2147483648",
        error("name: x\nlimits: {max_actions: 2147483648}\n").getMessage());
    assertEquals(
        "rules/x.yaml:2:6: abi: must be at most 2147483647, not '99999999999999999999'",
        error("name: x\nabi: 99999999999999999999\n").getMessage());
    assertEquals(
        "rules/x.yaml:2:23: limits.max_actions: must be at least 1, not"
            + " '-99999999999999999999'",
        error("name: x\nlimits: {max_actions: -99999999999999999999}\n").getMessage());
    assertEquals(
        "rules/x.yaml:2:24: limits.memory_pages: must be between 1 and 65536, not '"
            + "9".repeat(80)
            + "...' (5000 characters)",
        error("name: x\nlimits: {memory_pages: " + "9".repeat(5000) + "}\n").getMessage());
  }

  @Test
  void controlCharactersAreEscapedInMessages() {
    ManifestException e = error("name: \"a\\e[31mb\"\n");
    assertEquals(
        "rules/x.yaml:1:7: name: invalid rule name 'a\\u001b[31mb': 1 to 64 letters, digits, '_',"
            + " '.' or '-' (it is used in MQTT topics)",
        e.getMessage());
  }

  @Test
  void theLongestDurationsLoadAndRun() throws Exception {
    // Was: ArithmeticException (Duration.toNanos overflow) out of RuleEngine.load when neither
    // the manifest nor the host capped a 999999999h deadline. The longest duration of the common
    // grammar (DurationText) is 36500d; longer ones are refused as in the gateway config.
    String forever = "36500d";
    RuleManifest manifest =
        RuleManifest.parse(
            "name: t\ninputs: ['tank/#']\nlimits: {deadline: "
                + forever
                + ", init_deadline: "
                + forever
                + ", fault_window: "
                + forever
                + ", readmit_backoff: "
                + forever
                + ", readmit_backoff_max: "
                + forever
                + "}\n",
            "rules/x.yaml");
    assertEquals(Duration.ofDays(36_500), manifest.limits().deadline());
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (RuleEngine engine = new RuleEngine(manifest.limits(), scheduler, Clock.systemUTC())) {
      Rule rule = engine.load("t", Wat.rule(Wat.EVENTS_OK), manifest);
      assertInstanceOf(
          RuleOutcome.Committed.class,
          engine.evaluate(rule, List.of(Events.f64("tank/level", 1.0))));
    } finally {
      scheduler.shutdownNow();
    }
  }
}
