package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every key of a full config given every kind of wrong value (wrong type, null, huge or negative
 * numbers, bad durations, aliases, tags, paths and URIs, control characters): the config loads or
 * the error is on that key's line or names the key.
 */
class ConfigWrongValueTest {
  private static final Pattern KEY_VALUE = Pattern.compile("(\\s*(?:- )?)([a-z_]+): (\\S.*)");

  @Test
  void everyKeyWithEveryWrongValueLoadsOrNamesTheKey() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          String[] lines = ConfigSeeds.FULL.split("\n");
          int rejected = 0;
          for (int i = 0; i < lines.length; i++) {
            Matcher m = KEY_VALUE.matcher(lines[i]);
            if (!m.matches()) {
              continue;
            }
            String key = m.group(2);
            for (String value : ConfigSeeds.HOSTILE_VALUES) {
              String[] copy = lines.clone();
              copy[i] = m.group(1) + key + ": " + value;
              String yaml = String.join("\n", copy) + "\n";
              String context = "line " + (i + 1) + " " + key + ": " + value;
              try {
                ConfigContract.LOADER.parse(yaml, ConfigContract.FILE);
              } catch (ConfigException e) {
                ConfigContract.checkException(e, yaml, context);
                assertTrue(
                    e.line() == i + 1 || e.problem().contains(key),
                    context + " -> " + e.getMessage());
                rejected++;
              } catch (RuntimeException | Error e) {
                throw new AssertionError(context + ": unexpected " + e, e);
              }
            }
          }
          assertTrue(rejected > 1000, "most wrong values are rejected: " + rejected);
        });
  }
}
