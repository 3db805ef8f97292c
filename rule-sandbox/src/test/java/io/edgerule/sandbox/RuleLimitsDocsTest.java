package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.DurationText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The reference docs describe exactly the limits of {@link RuleLimit#all()}: the "Limits" table of
 * docs/reference/rule-abi.md has one row per limit with its default, allowed range and gateway
 * ceiling, and the {@code rule_limits:} example of docs/reference/config.md lists every limit with
 * its gateway ceiling. Adding a limit to the table without documenting it fails here.
 */
class RuleLimitsDocsTest {
  private static final Pattern ROW =
      Pattern.compile("\\| `([a-z_]+)` \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|.*");
  private static final Pattern YAML_ENTRY = Pattern.compile("  ([a-z_]+): (\\S+).*");

  @Test
  void ruleAbiTableListsEveryLimitWithItsDefaultRangeAndCeiling() throws IOException {
    Map<String, String[]> rows = limitsTable();
    assertEquals(
        RuleLimit.all().stream().map(RuleLimit::key).toList(),
        List.copyOf(rows.keySet()),
        "rows of the Limits table in rule-abi.md, in the table's order");
    for (RuleLimit<?> limit : RuleLimit.all()) {
      String[] row = rows.get(limit.key());
      assertEquals(limit.manifestDefault(), value(limit, row[0]), limit.key() + " default");
      assertEquals(limit.rangeText(), row[1].trim(), limit.key() + " allowed range");
      assertEquals(limit.hostDefault(), value(limit, row[2]), limit.key() + " gateway ceiling");
    }
  }

  @Test
  void configReferenceListsEveryCeiling() throws IOException {
    String config = Files.readString(docs().resolve("config.md"));
    int start = config.indexOf("\nrule_limits:");
    assertTrue(start >= 0, "config.md has a rule_limits: example");
    Map<String, String> entries = new LinkedHashMap<>();
    for (String line : config.substring(start + 1).split("\n")) {
      if (line.startsWith("rule_limits:")) {
        continue;
      }
      Matcher m = YAML_ENTRY.matcher(line);
      if (!m.matches()) {
        break;
      }
      entries.put(m.group(1), m.group(2));
    }
    assertEquals(
        RuleLimit.all().stream().map(RuleLimit::key).toList(),
        List.copyOf(entries.keySet()),
        "keys of config.md's rule_limits example");
    for (RuleLimit<?> limit : RuleLimit.all()) {
      assertEquals(
          limit.hostDefault(),
          value(limit, entries.get(limit.key())),
          "rule_limits." + limit.key());
    }
  }

  /** Key -> {default, allowed, gateway ceiling} of the table under "## Limits". */
  private static Map<String, String[]> limitsTable() throws IOException {
    String abi = Files.readString(docs().resolve("rule-abi.md"));
    int start = abi.indexOf("\n## Limits\n");
    assertTrue(start >= 0, "rule-abi.md has a '## Limits' section");
    String section = abi.substring(start + 1);
    int end = section.indexOf("\n## ", 1);
    section = end < 0 ? section : section.substring(0, end);
    Map<String, String[]> rows = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : section.split("\n")) {
      if (line.startsWith("| manifest key | default | allowed | gateway ceiling")) {
        inTable = true;
      } else if (inTable && !line.startsWith("|")) {
        break;
      } else if (inTable) {
        Matcher m = ROW.matcher(line);
        if (m.matches()) {
          rows.put(m.group(1), new String[] {m.group(2), m.group(3), m.group(4)});
        }
      }
    }
    assertTrue(
        inTable,
        "the Limits table has columns: manifest key | default | allowed | gateway ceiling");
    return rows;
  }

  /** The leading value of a docs cell ("16 (1 MiB)" -> 16, "100ms" -> 100 ms). */
  private static Object value(RuleLimit<?> limit, String cell) {
    String text = cell.trim().split(" ")[0];
    return limit.type() == Duration.class ? DurationText.parse(text) : Integer.valueOf(text);
  }

  private static Path docs() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path reference = dir.resolve("docs/reference");
      if (Files.isRegularFile(reference.resolve("rule-abi.md"))) {
        return reference;
      }
    }
    assertNotNull(null, "docs/reference not found above " + Path.of("").toAbsolutePath());
    return null;
  }
}
