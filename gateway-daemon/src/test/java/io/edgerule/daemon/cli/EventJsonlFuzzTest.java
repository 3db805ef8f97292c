package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.Mutator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of valid event files, one line at a time and across the whole file: the parser
 * reports each bad line by number (never an earlier, untouched one) and throws nothing.
 */
class EventJsonlFuzzTest {
  /** Fixed so failures reproduce; {@code -Dedgerule.fuzz.seed=N} explores other mutants. */
  private static final long SEED = Long.getLong("edgerule.fuzz.seed", 0x150_1E5L);

  private static final int MUTANTS = Integer.getInteger("edgerule.fuzz.count", 1_500);

  @Test
  void everySeedParsesWithoutErrors() {
    for (List<String> lines : EventJsonlSeeds.all()) {
      EventJsonl.Parsed parsed = EventJsonlContract.check(lines, "seed " + lines.get(0));
      assertEquals(List.of(), parsed.errors());
      assertEquals(EventJsonlContract.nonBlank(lines), parsed.events().size());
    }
  }

  @Test
  void aMutatedLineIsReportedAtItsNumberOrLater() {
    List<List<String>> seeds = EventJsonlSeeds.all();
    Mutator mutator = new Mutator(SEED, EventJsonlSeeds.DICTIONARY);
    int[] rejected = {0};
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int i = 0; i < MUTANTS; i++) {
            List<String> lines = new ArrayList<>(seeds.get(mutator.nextInt(seeds.size())));
            int k = mutator.nextInt(lines.size());
            Mutator.Mutant m = mutator.mutate(lines.get(k));
            // A mutant with line breaks becomes several lines, as a file would be read.
            lines.remove(k);
            lines.addAll(k, List.of(m.text().split("\r\n|\r|\n", -1)));
            String context =
                "seed "
                    + SEED
                    + ", mutant "
                    + i
                    + ", line "
                    + (k + 1)
                    + " ("
                    + m.how()
                    + "): "
                    + m.shown();
            EventJsonl.Parsed parsed = EventJsonlContract.check(lines, context);
            for (EventJsonl.LineError e : parsed.errors()) {
              assertTrue(e.line() > k, context + ": an untouched earlier line blamed: " + e);
            }
            rejected[0] += parsed.errors().isEmpty() ? 0 : 1;
          }
        });
    assertTrue(rejected[0] > MUTANTS / 3, "most mutants are bad lines: " + rejected[0]);
  }

  @Test
  void wholeFileMutantsNeverThrow() {
    List<List<String>> seeds = EventJsonlSeeds.all();
    Mutator mutator = new Mutator(SEED + 1, EventJsonlSeeds.DICTIONARY);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (int i = 0; i < MUTANTS / 3; i++) {
            String text = String.join("\n", seeds.get(mutator.nextInt(seeds.size())));
            Mutator.Mutant m = mutator.mutate(text);
            EventJsonlContract.check(
                List.of(m.text().split("\r\n|\r|\n", -1)),
                "seed " + (SEED + 1) + ", file mutant " + i + " (" + m.how() + ")");
          }
        });
  }
}
