package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A duration quoted in a config error is printed as it is written in the config ({@code 5ms}),
 * never in Java's ISO form ({@code PT0.005S}), whichever setting refuses it: the gateway's own and
 * every device protocol's.
 */
class ConfigDurationMessageTest {
  private static final Pattern DURATION_LINE =
      Pattern.compile("(\\s*(?:- )?)([a-z_]+): (\\d+(?:ms|s|m|h|d))");

  /** Each written in ISO-8601 so that an echo of Java's Duration.toString() would show. */
  private static final List<String> VALUES =
      List.of("PT0.005S", "PT0S", "PT1.5S", "PT90M", "PT876000H", "P36500D");

  @Test
  void everyDurationSettingQuotesValuesInTheConfigGrammar() {
    String[] lines = ConfigDurationTest.EVERY_DURATION.split("\n");
    List<String> refusals = new ArrayList<>();
    int tried = 0;
    for (int i = 0; i < lines.length; i++) {
      Matcher m = DURATION_LINE.matcher(lines[i]);
      if (!m.matches()) {
        continue;
      }
      tried++;
      for (String value : VALUES) {
        String[] copy = lines.clone();
        copy[i] = m.group(1) + m.group(2) + ": " + value;
        try {
          ConfigContract.LOADER.parse(String.join("\n", copy) + "\n", ConfigContract.FILE);
        } catch (ConfigException e) {
          refusals.add(e.getMessage());
          assertFalse(
              e.problem().contains("PT") || e.problem().matches(".*\\bP\\d.*"),
              m.group(2) + ": " + value + " -> " + e.getMessage());
        }
      }
    }
    assertEquals(21, tried, "every duration line of the seed was tried");
    // The check above must have had something to look at, including the case from the field.
    assertTrue(refusals.size() > 20, refusals.toString());
    assertTrue(
        refusals.stream()
            .anyMatch(r -> r.contains("poll_interval: must be at least 10ms, got 5ms")),
        refusals.toString());
  }
}
