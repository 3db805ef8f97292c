package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.Mutator;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random mutations (seeded, so a failure reproduces) of valid configs: truncations, flipped,
 * inserted and deleted characters, control characters, tabs, duplicated and swapped lines (so
 * duplicate keys), long repeated spans and deep nesting. Each must load or be rejected with a
 * located, readable ConfigException.
 */
class ConfigFuzzTest {
  /** Fixed so failures reproduce; {@code -Dedgerule.fuzz.seed=N} explores other mutants. */
  private static final long SEED = Long.getLong("edgerule.fuzz.seed", 0x5EED_C0F1L);

  private static final int MUTANTS_PER_SEED = Integer.getInteger("edgerule.fuzz.count", 100);

  @Test
  void everySeedLoads() {
    for (int i = 0; i < ConfigSeeds.ALL.size(); i++) {
      assertEquals(
          ConfigContract.Outcome.LOADED,
          ConfigContract.check(ConfigSeeds.ALL.get(i), "seed " + i),
          "seed " + i);
    }
  }

  @Test
  void truncationAtEveryLengthLoadsOrSaysWhere() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          String seed = ConfigSeeds.DEMO;
          for (int cut = 0; cut <= seed.length(); cut += 5) {
            ConfigContract.check(seed.substring(0, cut), "DEMO truncated at " + cut);
          }
        });
  }

  @Test
  void randomMutantsLoadOrSayWhere() {
    Map<ConfigContract.Outcome, Integer> counts = new EnumMap<>(ConfigContract.Outcome.class);
    assertTimeoutPreemptively(
        Duration.ofSeconds(90),
        () -> {
          Mutator mutator = new Mutator(SEED, ConfigSeeds.DICTIONARY);
          for (int s = 0; s < ConfigSeeds.ALL.size(); s++) {
            for (int i = 0; i < MUTANTS_PER_SEED; i++) {
              Mutator.Mutant m = mutator.mutate(ConfigSeeds.ALL.get(s));
              String context =
                  "seed " + SEED + ", config " + s + ", mutant " + i + " (" + m.how() + ")";
              counts.merge(ConfigContract.check(m.text(), context), 1, Integer::sum);
            }
          }
        });
    // The mutations must exercise both paths, or the test proves little.
    int rejected = counts.getOrDefault(ConfigContract.Outcome.REJECTED, 0);
    int loaded = counts.getOrDefault(ConfigContract.Outcome.LOADED, 0);
    assertTrue(rejected > MUTANTS_PER_SEED, counts.toString());
    assertTrue(loaded > 10, counts.toString());
  }
}
