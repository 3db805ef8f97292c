package io.edgerule.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one duration grammar of configs, manifests and the CLI, and how messages print durations. */
class DurationTextTest {

  @Test
  void readsEveryForm() {
    Map<String, Duration> forms =
        Map.ofEntries(
            Map.entry("250ms", Duration.ofMillis(250)),
            Map.entry("2s", Duration.ofSeconds(2)),
            Map.entry("5m", Duration.ofMinutes(5)),
            Map.entry("1h", Duration.ofHours(1)),
            Map.entry("1d", Duration.ofDays(1)),
            Map.entry(" 5 ms ", Duration.ofMillis(5)),
            Map.entry("PT2S", Duration.ofSeconds(2)),
            Map.entry("pt0.5s", Duration.ofMillis(500)),
            Map.entry("0", Duration.ZERO),
            Map.entry("0s", Duration.ZERO),
            Map.entry("36500d", Duration.ofDays(36_500)));
    forms.forEach((text, expected) -> assertEquals(expected, DurationText.parse(text), text));
  }

  @Test
  void refusalsSayWhatIsWrong() {
    assertEquals("'soon' is not a duration: write e.g. 250ms, 2s, 5m, 1h or 1d", refused("soon"));
    assertEquals("'5' is not a duration: write e.g. 250ms, 2s, 5m, 1h or 1d", refused("5"));
    assertEquals("'-5s' is not a duration: write e.g. 250ms, 2s, 5m, 1h or 1d", refused("-5s"));
    assertEquals("duration 'PT-1S' is negative", refused("PT-1S"));
    assertEquals("duration '36501d' is too large (at most 36500d, 100 years)", refused("36501d"));
    assertEquals(
        "duration '99999999999999999999d' is too large (at most 36500d, 100 years)",
        refused("99999999999999999999d"));
    assertEquals(
        "duration 'PT9223372036854775807S' is too large (at most 36500d, 100 years)",
        refused("PT9223372036854775807S"));
  }

  @Test
  void aLongOrControlValueIsQuotedShortAndOnOneLine() {
    String message = refused("x".repeat(500_000));
    assertTrue(message.length() < 200, message);
    assertTrue(message.contains("(500000 characters)"), message);
    assertEquals(
        "'a\\u000ab' is not a duration: write e.g. 250ms, 2s, 5m, 1h or 1d", refused("a\nb"));
  }

  @Test
  void messagesPrintTheGrammarInItsLargestExactUnit() {
    assertEquals("5ms", DurationText.format(Duration.ofMillis(5)));
    assertEquals("1500ms", DurationText.format(Duration.ofMillis(1500)));
    assertEquals("90s", DurationText.format(Duration.ofSeconds(90)));
    assertEquals("1m", DurationText.format(Duration.ofSeconds(60)));
    assertEquals("25h", DurationText.format(Duration.ofHours(25)));
    assertEquals("1d", DurationText.format(Duration.ofHours(24)));
    assertEquals("36500d", DurationText.format(DurationText.MAX));
    assertEquals("0", DurationText.format(Duration.ZERO));
    assertEquals("-5ms", DurationText.format(Duration.ofMillis(-5)));
    // Finer than a millisecond: only ISO-8601 writes it exactly (and parse reads it back).
    assertEquals("PT0.0005S", DurationText.format(Duration.ofNanos(500_000)));
    // Any Duration at all prints (messages quote whatever a record was given).
    assertEquals(
        "PT-2562047788015215H-30M-8S", DurationText.format(Duration.ofSeconds(Long.MIN_VALUE)));
    assertEquals("106751991167300d", DurationText.format(Duration.ofDays(106_751_991_167_300L)));
    assertEquals(
        "PT2562047788015215H30M7.999999999S",
        DurationText.format(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
  }

  @Test
  void formatReadsBackAsTheSameDuration() {
    for (Duration d :
        List.of(
            Duration.ZERO,
            Duration.ofNanos(1),
            Duration.ofMillis(5),
            Duration.ofMillis(1001),
            Duration.ofSeconds(59),
            Duration.ofMinutes(61),
            Duration.ofHours(23),
            Duration.ofDays(400),
            Duration.ofSeconds(86_401, 7),
            DurationText.MAX)) {
      assertEquals(d, DurationText.parse(DurationText.format(d)), DurationText.format(d));
    }
  }

  private static String refused(String text) {
    return assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text))
        .getMessage();
  }
}
