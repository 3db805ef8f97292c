package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleManifestTest {

  private static ManifestException error(String yaml) {
    return assertThrows(ManifestException.class, () -> RuleManifest.parse(yaml, "rules/x.yaml"));
  }

  @Test
  void parsesEveryKey() {
    RuleManifest m =
        RuleManifest.parse(
            """
            name: pump
            description: pump controller
            abi: 1
            module: pump.wasm
            inputs: [tank/level, '+/temperature']
            writable_points:
              - tank/pump
            topics: [status, 'alarm/#']
            alarms: [overtemp]
            tick: 1s
            limits:
              memory_pages: 4
              deadline: 20ms
              init_deadline: 1s
              max_actions: 8
              max_action_bytes: 1024
              max_table_elements: 100
              quarantine_after: 5
              fault_window: 2m
            """,
            "pump.yaml");
    assertEquals("pump", m.name());
    assertEquals("pump controller", m.description());
    assertEquals(Path.of("pump.wasm"), m.module().orElseThrow());
    assertEquals(
        List.of("tank/level", "+/temperature"), m.inputs().stream().map(String::valueOf).toList());
    assertTrue(m.subscribes(PointId.parse("tank/level")));
    assertTrue(m.subscribes(PointId.parse("boiler/temperature")));
    assertFalse(m.subscribes(PointId.parse("tank/pump")));
    assertTrue(m.mayWrite(PointId.parse("tank/pump")));
    assertFalse(m.mayWrite(PointId.parse("tank/level")));
    assertTrue(m.mayPublish("status"));
    assertTrue(m.mayPublish("alarm/high/level"));
    assertFalse(m.mayPublish("other"));
    assertTrue(m.mayRaise("overtemp"));
    assertEquals(Duration.ofSeconds(1), m.tickPeriod().orElseThrow());
    assertEquals(
        limits(
            4,
            Duration.ofMillis(20),
            Duration.ofSeconds(1),
            8,
            1024,
            100,
            5,
            Duration.ofMinutes(2)),
        m.limits());
  }

  @Test
  void omittedLimitsAreTheDefaults() {
    RuleManifest m = RuleManifest.parse("name: x\ninputs: tank/level\n", "x.yaml");
    assertEquals(RuleLimits.defaults(), m.limits());
    assertEquals(1, m.inputs().size(), "a single pattern may be written without brackets");
    assertTrue(m.writablePoints().isEmpty());
    assertTrue(m.tickPeriod().isEmpty());
  }

  @Test
  void loadResolvesTheModuleAgainstTheManifestsDirectory(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules/pump.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "name: pump\nmodule: ../wasm/pump.wasm\n");
    RuleManifest m = RuleManifest.load(file);
    assertEquals(dir.resolve("wasm/pump.wasm").toAbsolutePath(), m.module().orElseThrow());
    assertEquals(file.toString(), m.sourceName());
  }

  @Test
  void unreadableFileNamesTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    ManifestException e = assertThrows(ManifestException.class, () -> RuleManifest.load(missing));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read"), e.getMessage());
    assertEquals(0, e.line());
  }

  @Test
  void badPatternIsReportedAtItsLineAndColumn() {
    ManifestException e = error("name: x\ninputs:\n  - tank/level\n  - tank/#/x\n");
    assertEquals(
        "rules/x.yaml:4:5: inputs[1]: invalid point pattern 'tank/#/x': '#' must be the last segment",
        e.getMessage());
    assertEquals(4, e.line());
    assertEquals(5, e.column());
  }

  @Test
  void unknownKeyIsReportedWithTheKnownOnes() {
    ManifestException e = error("name: x\nlimit:\n  deadline: 5ms\n");
    assertEquals(2, e.line());
    assertEquals(1, e.column());
    assertTrue(
        e.problem().startsWith("unknown key 'limit' (expected one of: abi, alarms,"), e.problem());
  }

  @Test
  void unknownLimitKey() {
    ManifestException e = error("name: x\nlimits:\n  deadlin: 5ms\n");
    assertEquals("rules/x.yaml:3:3: unknown key 'limits.deadlin'", e.getMessage().substring(0, 46));
  }

  @Test
  void badDurationSaysWhatAValidOneLooksLike() {
    ManifestException e = error("name: x\nlimits:\n  deadline: 5 seconds\n");
    assertEquals(
        "rules/x.yaml:3:13: limits.deadline: '5 seconds' is not a duration: write e.g. 250ms, 2s,"
            + " 5m, 1h or 1d",
        e.getMessage());
  }

  @Test
  void durationsAreTheGatewayConfigsGrammar() {
    // Was: "invalid duration '1d'": the manifest had its own, narrower duration parser.
    RuleManifest m =
        RuleManifest.parse(
            "name: x\ntick: PT0.5S\nlimits: {fault_window: 1d, deadline: PT2S}\n", "x.yaml");
    assertEquals(Duration.ofDays(1), m.limits().faultWindow());
    assertEquals(Duration.ofSeconds(2), m.limits().deadline());
    assertEquals(Duration.ofMillis(500), m.tickPeriod().orElseThrow());
    // A bare 0 is a duration; the limit or the tick refuses it with its own range.
    assertEquals(
        "rules/x.yaml:2:20: limits.deadline: must be longer than 0",
        error("name: x\nlimits: {deadline: 0}\n").getMessage());
    assertEquals(
        "rules/x.yaml:2:7: tick: must be at least 10ms, not 0",
        error("name: x\ntick: 0\n").getMessage());
    assertEquals(
        "rules/x.yaml:2:24: limits.fault_window: duration '36501d' is too large (at most 36500d,"
            + " 100 years)",
        error("name: x\nlimits: {fault_window: 36501d}\n").getMessage());
  }

  @Test
  void numbersOutOfRange() {
    assertEquals(
        "rules/x.yaml:3:17: limits.memory_pages: must be between 1 and 65536, not 0",
        error("name: x\nlimits:\n  memory_pages: 0\n").getMessage());
    assertEquals(
        "rules/x.yaml:3:16: limits.max_actions: expected a whole number, found 'many'",
        error("name: x\nlimits:\n  max_actions: many\n").getMessage());
    assertEquals(
        "rules/x.yaml:2:7: tick: must be at least 10ms, not 5ms",
        error("name: x\ntick: 5ms\n").getMessage());
  }

  @Test
  void wrongShapes() {
    assertEquals(
        "rules/x.yaml:2:9: inputs: expected a list of patterns, found a mapping",
        error("name: x\ninputs: {a: b}\n").getMessage());
    assertEquals(
        "rules/x.yaml:1:1: manifest: expected a mapping of keys, found a list",
        error("- name: x\n").getMessage());
    assertEquals(
        "rules/x.yaml:2:9: limits: expected a mapping of keys, found a list",
        error("name: x\nlimits: [1]\n").getMessage());
  }

  @Test
  void missingAndInvalidName() {
    assertEquals(
        "rules/x.yaml:1:1: missing required key 'name'",
        error("inputs: [tank/level]\n").getMessage());
    assertEquals(
        "rules/x.yaml:1:7: name: invalid rule name 'a/b': 1 to 64 letters, digits, '_', '.' or '-'"
            + " (it is used in MQTT topics)",
        error("name: a/b\n").getMessage());
    assertEquals(
        "rules/x.yaml:1:7: name: expected a value, found a list", error("name: []\n").getMessage());
  }

  @Test
  void unsupportedAbiVersion() {
    assertEquals(
        "rules/x.yaml:2:6: abi: this gateway runs rules of ABI version 1, not 2",
        error("name: x\nabi: 2\n").getMessage());
  }

  @Test
  void yamlSyntaxErrorHasAPosition() {
    ManifestException e = error("name: x\ninputs: [tank/level\nlimits: {}\n");
    assertTrue(e.line() >= 2, e.getMessage());
    assertTrue(e.problem().startsWith("YAML syntax: "), e.getMessage());
  }

  @Test
  void duplicateKey() {
    assertEquals(
        "rules/x.yaml:2:1: duplicate key 'name'", error("name: x\nname: y\n").getMessage());
  }

  @Test
  void emptyManifest() {
    assertEquals(
        "rules/x.yaml: the manifest is empty; it needs at least a name",
        error("# nothing\n").getMessage());
  }

  @Test
  void limitsMergeToTheStricterOfManifestAndHost() {
    RuleLimits asked =
        limits(
            64,
            Duration.ofMillis(10),
            Duration.ofSeconds(2),
            10,
            100,
            5,
            10,
            Duration.ofSeconds(10));
    RuleLimits host =
        limits(
            32,
            Duration.ofMillis(50),
            Duration.ofMillis(200),
            64,
            65536,
            1000,
            3,
            Duration.ofSeconds(60));
    assertEquals(
        limits(
            32,
            Duration.ofMillis(10),
            Duration.ofMillis(200),
            10,
            100,
            5,
            3,
            Duration.ofSeconds(60)),
        asked.cappedBy(host));
  }

  /** The defaults with the first eight limits set (the rest are the defaults in every case). */
  private static RuleLimits limits(
      int pages,
      Duration deadline,
      Duration initDeadline,
      int actions,
      int actionBytes,
      int tableElements,
      int quarantineAfter,
      Duration faultWindow) {
    return RuleLimits.defaults()
        .with(RuleLimit.MEMORY_PAGES, pages)
        .with(RuleLimit.DEADLINE, deadline)
        .with(RuleLimit.INIT_DEADLINE, initDeadline)
        .with(RuleLimit.MAX_ACTIONS, actions)
        .with(RuleLimit.MAX_ACTION_BYTES, actionBytes)
        .with(RuleLimit.MAX_TABLE_ELEMENTS, tableElements)
        .with(RuleLimit.QUARANTINE_AFTER, quarantineAfter)
        .with(RuleLimit.FAULT_WINDOW, faultWindow);
  }
}
