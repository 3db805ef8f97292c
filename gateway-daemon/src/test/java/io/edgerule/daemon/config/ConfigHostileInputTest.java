package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs built to hurt a YAML loader: alias bombs, deep nesting, huge lines and numbers,
 * out-of-range durations, duplicate keys, tabs and control characters. Each is rejected quickly
 * with a located message (or, for harmless variants like a BOM or CRLF, loads).
 */
class ConfigHostileInputTest {
  /**
   * A net for a loader that hangs or blows up (an alias bomb expands without end), not a speed
   * check: 15 s was hit once by a 2 MB line on a machine with a load of 24.
   */
  private static final Duration QUICK = Duration.ofSeconds(120);

  private static ConfigException rejected(String yaml, String context) {
    return assertTimeoutPreemptively(QUICK, () -> ConfigContract.expectRejected(yaml, context));
  }

  /** Each level aliases the one before twice: walking every path visits 2^levels nodes. */
  private static String aliasBomb(String under, int levels) {
    StringBuilder b = new StringBuilder("gateway: {id: gw}\n" + under + ":\n  l0: &l0 [x]\n");
    for (int i = 1; i < levels; i++) {
      b.append("  l").append(i).append(": &l").append(i);
      b.append(" [*l").append(i - 1).append(", *l").append(i - 1).append("]\n");
    }
    return b.toString();
  }

  @Test
  void aliasBombsAreRejectedWithoutExpandingThem() {
    // 24 levels use 46 aliases (SnakeYAML allows 50) and stand for 2^24 nodes: this ran out of
    // heap in YamlLocations before it was fixed.
    for (String under : List.of("x", "pipeline", "rule_limits")) {
      ConfigException e = rejected(aliasBomb(under, 24), "alias bomb under " + under);
      assertTrue(e.line() >= 2, e.getMessage());
    }
    String aliasedList = "gateway: {id: gw}\nrules: &r [*r]\n";
    rejected(aliasedList, "a list that contains itself");
  }

  @Test
  void deepNestingIsRejectedWithItsLine() {
    int depth = 10_000;
    for (String where :
        List.of("x: ", "devices: ", "gateway:\n  id: ", "pipeline:\n  batch_size: ")) {
      String lists = "gateway: {id: gw}\n" + where + "[".repeat(depth) + "]".repeat(depth) + "\n";
      ConfigException e = rejected(lists, "lists under " + where);
      assertTrue(e.line() >= 2, e.getMessage());
      String maps = "gateway: {id: gw}\n" + where + "{a: ".repeat(depth) + "1" + "}".repeat(depth);
      e = rejected(maps, "maps under " + where);
      assertTrue(e.line() >= 2, e.getMessage());
    }
    StringBuilder block = new StringBuilder("gateway: {id: gw}\nx:\n");
    for (int i = 0; i < 2_000; i++) {
      block.append(" ".repeat(i + 1)).append("-\n");
    }
    rejected(block.toString(), "block sequences 2000 deep");
  }

  @Test
  void longLinesAndLargeFilesEndQuickly() {
    ConfigException id = rejected("gateway: {id: " + "y".repeat(500_000) + "}\n", "500 kB id");
    assertEquals(1, id.line(), id.getMessage());
    assertTrue(id.problem().length() < 400, "the value is shortened: " + id.problem().length());
    rejected("gateway: {id: gw}\n" + "k".repeat(200_000) + ": 1\n", "200 kB key");
    String comment = "# " + "c".repeat(500_000) + "\n" + ConfigSeeds.MINIMAL;
    assertEquals(
        ConfigContract.Outcome.LOADED,
        assertTimeoutPreemptively(QUICK, () -> ConfigContract.check(comment, "500 kB comment")));
    ConfigException big = rejected(ConfigSeeds.MINIMAL + "#" + "x".repeat(3_000_000), "3 MB");
    assertTrue(big.problem().startsWith("the file is larger than"), big.problem());
  }

  @Test
  void hugeNumbersAndOutOfRangeDurationsNameTheirKey() {
    String gw = "gateway: {id: gw}\n";
    for (String number : List.of("99999999999999999999", "2147483648", "1e999", "1.5", "-.inf")) {
      ConfigException e = rejected(gw + "pipeline:\n  batch_size: " + number + "\n", number);
      assertEquals(3, e.line(), e.getMessage());
      assertTrue(e.problem().contains("batch_size"), e.problem());
    }
    for (String d : List.of("PT-1S", "-PT5S", "99999999999999999d", "PT9223372036854775807S")) {
      ConfigException e = rejected(gw + "pipeline:\n  health_interval: " + d + "\n", d);
      assertEquals(3, e.line(), e.getMessage());
      assertTrue(e.problem().contains("health_interval"), e.problem());
      assertTrue(
          e.problem().contains("negative")
              || e.problem().contains("too large")
              || e.problem().contains("not a duration"),
          e.problem());
      ConfigException r = rejected(gw + "rule_limits:\n  deadline: " + d + "\n", d);
      assertTrue(r.problem().contains("deadline"), r.problem());
    }
    String mqtt = gw + "mqtt:\n  broker: tcp://127.0.0.1:1883\n";
    for (String d : List.of("0s", "500ms", "PT-1S", "70000s", "36500d")) {
      ConfigException k = rejected(mqtt + "  keep_alive: " + d + "\n", "keep_alive " + d);
      assertTrue(k.problem().contains("keep_alive"), k.problem());
      ConfigException c = rejected(mqtt + "  connect_timeout: " + d + "\n", "connect_timeout " + d);
      assertTrue(c.problem().contains("connect_timeout"), c.problem());
    }
  }

  @Test
  void duplicateKeysAtEveryLevelPointAtTheSecond() {
    String[] lines = ConfigSeeds.FULL.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].matches("\\s*[a-z_]+: \\S.*")) {
        continue; // only plain "key: value" lines can be doubled in place
      }
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < lines.length; j++) {
        b.append(lines[j]).append('\n');
        if (j == i) {
          b.append(lines[j]).append('\n');
        }
      }
      ConfigException e = rejected(b.toString(), "line " + (i + 1) + " twice");
      assertEquals(i + 2, e.line(), e.getMessage());
      assertTrue(e.problem().contains("Duplicate field"), e.getMessage());
    }
  }

  @Test
  void tabsAndControlCharactersNameTheirLineAndColumn() {
    ConfigException tab = rejected("gateway:\n\tid: gw\n", "tab indent");
    assertEquals(2, tab.line(), tab.getMessage());
    assertTrue(tab.problem().contains("TAB"), tab.problem());
    for (char c : new char[] {0, 1, 7, 8, 0x0b, 0x0c, 0x1b, 0x7f, 0xfffe}) {
      ConfigException e = rejected("gateway:\n  id: g" + c + "w\n", "U+" + (int) c);
      assertEquals(2, e.line(), e.getMessage());
      assertEquals(8, e.column(), e.getMessage());
      assertTrue(e.problem().contains(String.format("U+%04X", (int) c)), e.problem());
    }
    ConfigException surrogate = rejected("gateway:\n  id: g\ud800\n", "lone surrogate");
    assertEquals(2, surrogate.line(), surrogate.getMessage());
  }

  @Test
  void harmlessVariantsStillLoad() {
    for (String seed : ConfigSeeds.ALL) {
      assertEquals(ConfigContract.Outcome.LOADED, ConfigContract.check("\ufeff" + seed, "BOM"));
      assertEquals(
          ConfigContract.Outcome.LOADED, ConfigContract.check(seed.replace("\n", "\r\n"), "CRLF"));
      assertEquals(
          ConfigContract.Outcome.LOADED, ConfigContract.check(seed.strip(), "no final newline"));
    }
  }

  @Test
  void emptyEntriesAnywhereAreErrorsAtTheEntry() {
    // The OPC-UA record copied its points with List.copyOf: a bare NullPointerException.
    String yaml =
        """
        gateway: {id: gw}
        devices:
          - protocol: opcua
            name: line
            endpoint: opc.tcp://127.0.0.1:4840
            points:
              - {name: t, node_id: "ns=2;s=T"}
              -
        """;
    ConfigException e = rejected(yaml, "empty point");
    assertEquals(8, e.line(), e.getMessage());
    assertEquals("devices[0].points[1]: empty entry (a '-' with nothing after it)", e.problem());
    ConfigException map =
        rejected(
            "gateway: {id: gw}\ndevices:\n  - protocol: zigbee\n    name: z\n    port: /dev/ttyUSB0\n"
                + "    devices:\n      00124b0001abcd02:\n",
            "empty map value");
    assertTrue(map.problem().contains("empty value"), map.problem());
  }
}
