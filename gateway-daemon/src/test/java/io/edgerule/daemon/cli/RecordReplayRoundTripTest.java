package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointPattern;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever {@code rule record} can write, {@code rule test} reads back as the same events, field by
 * field: random events at the edges of every field ({@link RecordReplayEvents}) are written with
 * the recorder and read with {@link EventJsonl}. The format promises every field exactly (times to
 * the nanosecond, int64 without a detour through double, -0.0, strings with lone surrogates) except
 * one thing: a NaN's payload bits, which replay as the canonical NaN.
 */
class RecordReplayRoundTripTest {
  static final long SEED = 0x5EC0_4D_2026L;
  static final int EVENTS = 3_000;

  @TempDir Path tmp;

  /** Writes the events as {@code rule record} does: the same recorder on the same kind of file. */
  static Path record(List<PointEvent> events, Path file, String context) throws Exception {
    try (RuleCommand.Recorder recorder =
        RuleCommand.Recorder.open(file, List.of(PointPattern.parse("#")))) {
      events.forEach(recorder::onEvent);
      try {
        recorder.check(); // a write that failed (e.g. text the encoder refused) fails here
      } catch (IOException e) {
        // The recorder writes nothing after its first failure: the event after the last written.
        fail(
            context
                + ": the recorder failed ("
                + e
                + ") at event "
                + (recorder.written.get() + 1)
                + ": "
                + RecordReplayAssertions.shown(events.get((int) recorder.written.get())));
      }
      assertEquals(events.size(), recorder.written.get(), context + ": events written");
    }
    return file;
  }

  /** Reads the file as {@code rule test} does; every line must be an event. */
  static List<PointEvent> replay(Path file, List<PointEvent> written, String context)
      throws Exception {
    EventJsonl.Parsed parsed = EventJsonl.parse(Files.readAllBytes(file));
    if (!parsed.errors().isEmpty()) {
      EventJsonl.LineError first = parsed.errors().get(0);
      fail(
          context
              + ": "
              + parsed.errors().size()
              + " recorded line(s) do not replay; the first, line "
              + first.line()
              + ": "
              + first.message()
              + "; event "
              + RecordReplayAssertions.shown(written.get(first.line() - 1)));
    }
    assertEquals(written.size(), parsed.events().size(), context + ": events read back");
    return parsed.events();
  }

  @Test
  void everyRecordedEventReplaysAsTheSameEvent() throws Exception {
    List<PointEvent> written = new RecordReplayEvents(SEED).events(EVENTS);
    List<PointEvent> read =
        replay(record(written, tmp.resolve("rec.jsonl"), "seed " + SEED), written, "seed " + SEED);
    for (int i = 0; i < written.size(); i++) {
      RecordReplayAssertions.assertSameEvent(
          written.get(i), read.get(i), "seed " + SEED + ", event " + (i + 1));
    }
  }

  @Test
  void theGeneratorReachesEveryEdgeItClaims() {
    // Guards the property test against a generator that quietly stopped producing the hard cases.
    List<PointEvent> events = new RecordReplayEvents(SEED).events(EVENTS);
    assertTrue(events.stream().anyMatch(e -> e.value() == null), "no value");
    assertTrue(events.stream().anyMatch(e -> isFloat(e, Double.NaN)), "NaN");
    assertTrue(events.stream().anyMatch(e -> isFloat(e, Double.NEGATIVE_INFINITY)), "-Infinity");
    assertTrue(events.stream().anyMatch(e -> isFloat(e, -0.0)), "-0.0");
    assertTrue(events.stream().anyMatch(e -> isFloat(e, Double.MIN_VALUE)), "MIN_VALUE");
    assertTrue(
        events.stream()
            .anyMatch(e -> e.value() instanceof PointValue.Int64 l && l.value() == Long.MIN_VALUE),
        "Long.MIN_VALUE");
    assertTrue(
        events.stream().anyMatch(e -> e.value() instanceof PointValue.Bytes b && b.length() == 0),
        "empty bytes");
    assertTrue(
        events.stream().anyMatch(e -> e.quality().isGood() && !e.quality().reason().isEmpty()),
        "GOOD with a reason");
    assertTrue(
        events.stream().anyMatch(e -> e.sourceTime().equals(RecordReplayEvents.MAX_TIME)),
        "the latest time");
    assertTrue(
        events.stream()
            .anyMatch(e -> e.value() instanceof PointValue.Text t && t.value().length() > 100_000),
        "a very long string");
    assertEquals(Long.MAX_VALUE, events.get(events.size() - 1).sequence());
  }

  private static boolean isFloat(PointEvent e, double d) {
    return e.value() instanceof PointValue.Float64 f
        && Double.doubleToRawLongBits(f.value()) == Double.doubleToRawLongBits(d);
  }

  @Test
  void nanIsRecordedAndReplaysAsTheCanonicalNan() throws Exception {
    double payloadNan = Double.longBitsToDouble(0x7ff0_0000_0000_0001L);
    List<PointEvent> written =
        List.of(
            RecordReplayAssertions.event(PointValue.of(payloadNan), 1),
            RecordReplayAssertions.event(PointValue.of(Double.POSITIVE_INFINITY), 2));
    Path file = record(written, tmp.resolve("nan.jsonl"), "NaN");
    assertTrue(Files.readString(file).contains("\"type\":\"float64\",\"value\":\"NaN\""));
    List<PointEvent> read = replay(file, written, "NaN");
    assertEquals(
        RecordReplayAssertions.CANONICAL_NAN,
        Double.doubleToRawLongBits(((PointValue.Float64) read.get(0).value()).value()));
    assertEquals(PointValue.of(Double.POSITIVE_INFINITY), read.get(1).value());
  }

  @Test
  void aLoneSurrogateIsEscapedAndTheRecordingGoesOn() throws Exception {
    // Before: the UTF-8 file writer refused the line ("Input length = 1") and the recorder wrote
    // nothing more until the end.
    List<PointEvent> written =
        List.of(
            RecordReplayAssertions.event(PointValue.of("a\ud800b\udc00\ud83d\ude00"), 1),
            RecordReplayAssertions.event(PointValue.of(1.5), 2));
    Path file = record(written, tmp.resolve("surrogate.jsonl"), "lone surrogate");
    String text = Files.readString(file);
    assertTrue(text.contains("\"a\\uD800b\\uDC00\ud83d\ude00\""), text); // the pair stays UTF-8
    List<PointEvent> read = replay(file, written, "lone surrogate");
    for (int i = 0; i < written.size(); i++) {
      RecordReplayAssertions.assertSameEvent(written.get(i), read.get(i), "lone surrogate " + i);
    }
  }

  @Test
  void aGoodQualityKeepsItsReason() throws Exception {
    // OPC UA's Good_LocalOverride stays GOOD with its name; the recorder used to drop the name.
    PointEvent good = RecordReplayAssertions.event(PointValue.of(3L), 1);
    Quality override = new Quality(Quality.Status.GOOD, "Good_LocalOverride");
    List<PointEvent> written =
        List.of(
            new PointEvent(
                good.point(), good.value(), override, good.sourceTime(), good.receiveTime(), 1));
    List<PointEvent> read =
        replay(record(written, tmp.resolve("good.jsonl"), "GOOD reason"), written, "GOOD reason");
    assertEquals(override, read.get(0).quality());
  }
}
