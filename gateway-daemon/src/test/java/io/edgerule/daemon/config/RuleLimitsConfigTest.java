package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.sandbox.ManifestException;
import io.edgerule.sandbox.RuleLimit;
import io.edgerule.sandbox.RuleLimits;
import io.edgerule.sandbox.RuleManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code rule_limits:} binds every limit of the sandbox's table, and only those. */
class RuleLimitsConfigTest {
  private static final Path FILE = Path.of("/etc/edgerule/gateway.yaml");
  private final ConfigLoader loader = new ConfigLoader(List.of());

  private GatewayConfig parse(String yaml) throws ConfigException {
    return loader.parse("gateway: {id: gw}\n" + yaml, FILE);
  }

  private ConfigException fail(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml));
  }

  @Test
  void unsetLimitsAreTheHostDefaults() throws Exception {
    assertEquals(RuleLimits.hostDefaults(), parse("").ruleLimits());
    assertEquals(RuleLimits.hostDefaults(), parse("rule_limits:\n").ruleLimits());
    assertEquals(RuleLimits.hostDefaults(), parse("rule_limits: {deadline: }\n").ruleLimits());
  }

  @Test
  void everyLimitOfTheTableIsAKey() throws Exception {
    // Each limit set to a value other than its host default (its minimum for counts, 7 s for
    // times), one key per line; all others keep their defaults.
    StringBuilder yaml = new StringBuilder("rule_limits:\n");
    RuleLimits expected = RuleLimits.hostDefaults();
    for (RuleLimit<?> limit : RuleLimit.all()) {
      expected = expectSet(expected, limit, yaml);
    }
    assertEquals(expected, parse(yaml.toString()).ruleLimits());
  }

  private static <T extends Comparable<? super T>> RuleLimits expectSet(
      RuleLimits expected, RuleLimit<T> limit, StringBuilder yaml) {
    T value =
        limit.type() == Duration.class
            ? limit.type().cast(Duration.ofSeconds(7))
            : limit.min().equals(limit.hostDefault())
                ? limit.type().cast((Integer) limit.min() + 1)
                : limit.min();
    assertTrue(!value.equals(limit.hostDefault()), limit.key());
    yaml.append("  ").append(limit.key()).append(": ").append(limit.format(value)).append('\n');
    return expected.with(limit, value);
  }

  @Test
  void anUnknownKeyListsTheTable() {
    ConfigException e = fail("rule_limits:\n  deadline: 2s\n  max_memory: 4\n");
    assertEquals(4, e.line(), e.getMessage());
    assertEquals(3, e.column(), e.getMessage());
    assertTrue(e.problem().startsWith("rule_limits.max_memory: unknown key"), e.problem());
    for (RuleLimit<?> limit : RuleLimit.all()) {
      assertTrue(e.problem().contains(limit.key()), e.problem());
    }
  }

  @Test
  void aValueOutOfRangeNamesItsKeyAndTheRange() {
    ConfigException e = fail("rule_limits:\n  deadline: 2s\n  memory_pages: 0\n");
    assertEquals(4, e.line(), e.getMessage());
    assertEquals(
        "rule_limits.memory_pages: must be between 1 and 65536, not 0", e.problem(), e.problem());
    ConfigException zero = fail("rule_limits:\n  fault_window: 0s\n");
    assertEquals(3, zero.line(), zero.getMessage());
    assertEquals("rule_limits.fault_window: must be longer than 0", zero.problem());
    ConfigException text = fail("rule_limits:\n  max_actions: many\n");
    assertEquals(3, text.line(), text.getMessage());
    assertTrue(text.problem().startsWith("rule_limits.max_actions: "), text.problem());
  }

  /**
   * The config's {@code rule_limits} and a manifest's {@code limits} read durations with one
   * grammar: the same text is the same duration in both, or is refused in both with the same
   * message.
   */
  @Test
  void configAndManifestReadDurationsAlike() throws Exception {
    for (String text :
        List.of(
            "250ms",
            "2s",
            "5m",
            "1h",
            "1d",
            "PT2S",
            "pt0.5s",
            "36500d",
            "0",
            "0s",
            "36501d",
            "PT-1S",
            "soon",
            "5",
            "1.5s",
            "99999999999999999999d",
            "'x y'")) {
      String configProblem;
      Duration configValue;
      try {
        configValue =
            parse("rule_limits:\n  fault_window: " + text + "\n").ruleLimits().faultWindow();
        configProblem = null;
      } catch (ConfigException e) {
        configValue = null;
        configProblem = e.problem().replaceFirst("^rule_limits\\.", "");
      }
      String manifestProblem;
      Duration manifestValue;
      try {
        manifestValue =
            RuleManifest.parse("name: x\nlimits:\n  fault_window: " + text + "\n", "x.yaml")
                .limits()
                .faultWindow();
        manifestProblem = null;
      } catch (ManifestException e) {
        manifestValue = null;
        manifestProblem = e.problem().replaceFirst("^limits\\.", "");
      }
      assertEquals(configValue, manifestValue, text);
      assertEquals(configProblem, manifestProblem, text);
    }
  }
}
