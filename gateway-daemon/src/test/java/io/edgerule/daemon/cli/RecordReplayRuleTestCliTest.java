package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A recording of hostile events runs through {@code edgerule rule test} as the CLI does it: the
 * command accepts the file the recorder wrote, and the threshold alarm (raise at 90.0, clear below
 * 85.0, GOOD numeric samples only) makes exactly the decisions a model of it makes on the recorded
 * values, so the replayed values and times are the recorded ones, not just parseable.
 */
class RecordReplayRuleTestCliTest {
  static final long SEED = RecordReplayRoundTripTest.SEED + 1;
  static final PointId TEMPERATURE = PointId.parse("boiler/temperature");
  static final List<PointValue> EDGES =
      List.of(
          PointValue.of(95.0),
          PointValue.of(10.0),
          PointValue.of(90.0),
          PointValue.of(Math.nextDown(90.0)),
          PointValue.of(85.0),
          PointValue.of(Math.nextDown(85.0)),
          PointValue.of(Double.NaN),
          PointValue.of(Double.POSITIVE_INFINITY),
          PointValue.of(Double.NEGATIVE_INFINITY),
          PointValue.of(Long.MAX_VALUE),
          PointValue.of(Long.MIN_VALUE),
          PointValue.of(true));

  @TempDir Path tmp;

  @Test
  void ruleTestRunsWhatTheRecorderWroteWithTheRecordedValues() throws Exception {
    // Every third event (in the middle) becomes a temperature sample (numeric or none, any
    // quality); the others keep their random points, which the manifest does not grant.
    SplittableRandom random = new SplittableRandom(SEED);
    RecordReplayEvents gen = new RecordReplayEvents(SEED);
    List<PointEvent> events = new ArrayList<>();
    List<PointEvent> generated = gen.events(RecordReplayRoundTripTest.EVENTS);
    int n = generated.size();
    Instant middle = Instant.parse("1990-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      PointEvent e = generated.get(i);
      // Receive times from the earliest to the latest instant replay takes, with nanoseconds; the
      // samples the rule acts on lie in the middle tenth, spaced by up to a day: the rule's action
      // rate limit (rule-sandbox ActionRate) overflows on gaps of thousands of years between two
      // batches with actions and then fails them with LIMIT, which is not what this test is about.
      boolean acts = i >= n / 10 && i < n - n / 10;
      Instant received;
      if (i < n / 10) {
        received = RecordReplayEvents.MIN_TIME.plusMillis(i).plusNanos(random.nextInt(1_000_000));
      } else if (acts) {
        middle =
            middle.plusMillis(random.nextLong(1, 86_400_000)).plusNanos(random.nextInt(1_000_000));
        received = middle;
      } else {
        received = RecordReplayEvents.MAX_TIME.minusMillis(n - 1 - i);
      }
      e = new PointEvent(e.point(), e.value(), e.quality(), e.sourceTime(), received, e.sequence());
      if (acts && random.nextInt(3) == 0) {
        PointValue v =
            switch (random.nextInt(3)) {
              case 0 -> EDGES.get(random.nextInt(EDGES.size()));
              case 1 -> PointValue.of(gen.dbl());
              default -> e.quality().isGood() ? PointValue.of(random.nextLong()) : null;
            };
        e =
            new PointEvent(
                TEMPERATURE, v, e.quality(), e.sourceTime(), e.receiveTime(), e.sequence());
      }
      events.add(e);
    }
    Path file =
        RecordReplayRoundTripTest.record(events, tmp.resolve("incident.jsonl"), "seed " + SEED);

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new EdgeruleCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute(
            "rule",
            "test",
            "--wasm",
            RuleCommandTest.EXAMPLES.resolve("threshold_alarm.wasm").toString(),
            "--manifest",
            RuleCommandTest.EXAMPLES.resolve("threshold_alarm.yaml").toString(),
            "--events",
            file.toString());
    assertEquals(0, code, "seed " + SEED + ": " + err);
    List<String> expected = thresholdAlarm(events);
    assertTrue(expected.size() > 10, "seed " + SEED + ": too few decisions to prove much");
    List<String> actual = out.toString().lines().toList();
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), "seed " + SEED + ", decision " + (i + 1));
    }
    assertEquals(expected.size(), actual.size(), "seed " + SEED + ": decisions; " + err);
  }

  /** What threshold_alarm.c decides on these events, as `rule test` prints it. */
  static List<String> thresholdAlarm(List<PointEvent> events) {
    List<String> lines = new ArrayList<>();
    boolean raised = false;
    for (PointEvent e : events) {
      if (!e.point().equals(TEMPERATURE) || !e.quality().isGood()) {
        continue;
      }
      double t = e.value().asDouble(); // bool 0/1, int64 as the C cast (double) does
      String head =
          "{\"time\":\"" + e.receiveTime() + "\",\"trigger\":\"event\",\"seq\":" + e.sequence();
      if (!raised && t >= 90.0) {
        lines.add(
            head
                + ",\"action\":\"alarm_raise\",\"alarm\":\"boiler/overtemp\",\"severity\":700,"
                + "\"message\":\"boiler temperature reached 90.0\"}");
        raised = true;
      } else if (raised && t < 85.0) {
        lines.add(head + ",\"action\":\"alarm_clear\",\"alarm\":\"boiler/overtemp\"}");
        raised = false;
      }
    }
    return lines;
  }
}
