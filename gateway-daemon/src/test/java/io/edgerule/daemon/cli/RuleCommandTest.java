package io.edgerule.daemon.cli;

import static io.edgerule.daemon.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleCommandTest {
  static final Path EXAMPLES = ExampleRulesReplayTest.EXAMPLES;
  @TempDir Path tmp;

  private CliRun test(String wasm, String manifest, Path events, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "rule",
                "test",
                "--wasm",
                EXAMPLES.resolve(wasm).toString(),
                "--manifest",
                EXAMPLES.resolve(manifest).toString(),
                "--events",
                events.toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void sameInputGivesByteIdenticalOutputIncludingFaultsAndQuarantine() throws Exception {
    // spin.wasm never returns: each batch overruns its 20 ms deadline, the third quarantines it.
    Path events = tmp.resolve("spin.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      lines.append(
          "{\"time\":\"2026-11-21T10:00:0" + i + "Z\",\"point\":\"tank/level\",\"value\":1.5}\n");
    }
    Files.writeString(events, lines);
    CliRun first = test("spin.wasm", "spin.yaml", events);
    CliRun second = test("spin.wasm", "spin.yaml", events);
    assertEquals(0, first.code(), first.err());
    assertEquals(first.out(), second.out());
    List<String> out = first.out().lines().toList();
    assertEquals(5, out.size(), first.out());
    assertTrue(out.get(0).contains("\"outcome\":\"failed\",\"kind\":\"DEADLINE\""), out.get(0));
    assertTrue(
        out.get(0)
            .startsWith("{\"time\":\"2026-11-21T10:00:00Z\",\"trigger\":\"event\",\"seq\":1"));
    assertTrue(out.get(3).contains("\"outcome\":\"skipped\""), out.get(3));
  }

  @Test
  void ticksFollowTheVirtualClockUpToTheEndTime() throws Exception {
    Path events = tmp.resolve("one.jsonl");
    Files.writeString(
        events, "{\"time\":\"2026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":50}\n");
    CliRun r =
        test(
            "watchdog.wasm",
            "watchdog.yaml",
            events,
            "--start-time",
            "2026-11-21T09:59:59.500Z",
            "--end-time",
            "2026-11-21T10:01:00Z");
    assertEquals(0, r.code(), r.err());
    // Ticks every second from 09:59:59.500; 30 s of silence after 10:00:00 is noticed at :30.500.
    assertEquals(
        "{\"time\":\"2026-11-21T10:00:30.500Z\",\"trigger\":\"tick\",\"action\":\"alarm_raise\","
            + "\"alarm\":\"tank/offline\",\"severity\":500,"
            + "\"message\":\"no data from tank/level for 30 s\"}\n",
        r.out());
  }

  @Test
  void aRecordingWhoseClockSteppedBackRunsWithTheVirtualClockHeld() throws Exception {
    // An NTP correction while recording: line 3 is stamped 3 s before line 2. Its seq is in
    // order, so the event is real: it runs, at the time the replay had reached, with a warning.
    Path events = tmp.resolve("ntp-step.jsonl");
    Files.writeString(
        events,
        """
        {"time":"2026-11-21T10:00:05Z","point":"boiler/temperature","type":"float64","value":85.0}
        {"time":"2026-11-21T10:00:06Z","point":"boiler/temperature","type":"float64","value":95.0}
        {"time":"2026-11-21T10:00:03Z","point":"boiler/temperature","type":"float64","value":80.0}
        """);
    CliRun r = test("threshold_alarm.wasm", "threshold_alarm.yaml", events);
    assertEquals(0, r.code(), r.err());
    List<String> out = r.out().lines().toList();
    assertEquals(2, out.size(), r.out());
    assertTrue(
        out.get(0)
            .startsWith(
                "{\"time\":\"2026-11-21T10:00:06Z\",\"trigger\":\"event\",\"seq\":2,\"action\":\"alarm_raise\""),
        out.get(0));
    assertTrue(
        out.get(1)
            .startsWith(
                "{\"time\":\"2026-11-21T10:00:06Z\",\"trigger\":\"event\",\"seq\":3,\"action\":\"alarm_clear\""),
        out.get(1));
    assertEquals(
        events
            + ":3: warning: time 2026-11-21T10:00:03Z is before the previous event's"
            + " 2026-11-21T10:00:06Z (the recording's clock stepped back?); the virtual clock"
            + " stays at 2026-11-21T10:00:06Z",
        r.err().strip());
  }

  @Test
  void persistentStateSurvivesARestartWithStateDir() throws Exception {
    Path state = tmp.resolve("state");
    Path before = tmp.resolve("before.jsonl");
    Files.writeString(
        before,
        "{\"time\":\"2026-11-21T10:00:10Z\",\"point\":\"tank/level\",\"value\":82}\n"
            + "{\"time\":\"2026-11-21T10:00:30Z\",\"point\":\"tank/level\",\"value\":19}\n");
    Path after = tmp.resolve("after.jsonl");
    Files.writeString(
        after,
        "{\"time\":\"2026-11-21T10:00:50Z\",\"point\":\"tank/level\",\"value\":90}\n"
            + "{\"time\":\"2026-11-21T10:01:31Z\",\"point\":\"tank/level\",\"value\":90}\n");
    String dir = state.toString();
    CliRun first = test("pump_controller.wasm", "pump_controller.yaml", before, "--state-dir", dir);
    assertEquals(2, first.out().lines().count(), first.out() + first.err());
    // A restarted rule remembers the stop at 10:00:30: no start before 10:01:30 (60 s off).
    CliRun second =
        test("pump_controller.as.wasm", "pump_controller.yaml", after, "--state-dir", dir);
    assertEquals(
        "{\"time\":\"2026-11-21T10:01:31Z\",\"trigger\":\"event\",\"seq\":2,\"action\":\"write\","
            + "\"point\":\"tank/pump\",\"type\":\"bool\",\"value\":true}\n",
        second.out(),
        second.err());
    // Without the state it would start at once.
    CliRun fresh = test("pump_controller.wasm", "pump_controller.yaml", after);
    assertTrue(fresh.out().startsWith("{\"time\":\"2026-11-21T10:00:50Z\""), fresh.out());
  }

  @Test
  void badLinesAreAllReportedWithTheirNumbersAndNothingRuns() throws Exception {
    Path events = tmp.resolve("bad.jsonl");
    Files.writeString(
        events,
        String.join(
            "\n",
            "{\"time\":\"2026-11-21T10:00:00Z\",\"point\":\"tank/level\",\"value\":90}",
            "{\"time\":\"2026-11-21T10:00:01Z\",\"point\":\"tank/level\",\"vlaue\":90}",
            "",
            "{\"time\":\"yesterday\",\"point\":\"tank/level\",\"value\":1}",
            "{\"time\":\"2026-11-21T10:00:02Z\",\"point\":\"tank/level\",\"quality\":\"bad\"}",
            "not json",
            "{\"time\":\"2026-11-21T10:00:03Z\",\"point\":\"tank/level\",\"type\":\"bool\",\"value\":3}",
            "{\"time\":\"2026-11-21T10:00:04Z\",\"point\":\"tank/level\",\"value\":1,\"seq\":1}"));
    CliRun r = test("pump.wasm", "pump.yaml", events);
    assertEquals(2, r.code());
    assertEquals("", r.out(), "nothing runs when the input is bad");
    String err = r.err();
    assertTrue(err.contains(events + ":2: unknown key 'vlaue'"), err);
    assertTrue(err.contains(events + ":4: 'time' \"yesterday\" is not an ISO-8601 instant"), err);
    assertTrue(err.contains(events + ":5: quality bad needs a 'reason'"), err);
    assertTrue(err.contains(events + ":6: not valid JSON"), err);
    assertTrue(err.contains(events + ":7: 'value' 3 is not a bool"), err);
    assertTrue(err.contains(events + ":8: seq 1 is not greater than the previous event's 1"), err);
    assertTrue(err.contains("6 bad line(s); nothing was run"), err);
  }

  @Test
  void aRuleThatDoesNotLoadExitsOne() throws Exception {
    Path events = tmp.resolve("e.jsonl");
    Files.writeString(events, "");
    // pump.wasm writes tank/pump; the watchdog manifest does not grant it.
    CliRun r = test("pump.wasm", "watchdog.yaml", events);
    assertEquals(1, r.code());
    assertTrue(r.err().contains("rule 'watchdog'"), r.err());
  }

  @Test
  void recordedLinesReadBackAsTheSameEvents() {
    Instant t = Instant.parse("2026-11-21T10:00:00.123Z");
    List<PointEvent> events =
        List.of(
            new PointEvent(PointId.parse("a/b"), PointValue.of(1.25), Quality.GOOD, t, t, 7),
            new PointEvent(
                PointId.parse("a/c"), PointValue.of(42L), Quality.GOOD, t, t.plusMillis(5), 8),
            new PointEvent(
                PointId.parse("a/d"),
                PointValue.of(true),
                Quality.uncertain("stale"),
                t,
                t.plusMillis(6),
                9),
            new PointEvent(
                PointId.parse("a/e"), PointValue.of("héllo"), Quality.GOOD, t, t.plusMillis(7), 10),
            new PointEvent(
                PointId.parse("a/f"),
                PointValue.of(new byte[] {0, -1, 2}),
                Quality.GOOD,
                t,
                t.plusMillis(8),
                11),
            new PointEvent(
                PointId.parse("a/g"), null, Quality.bad("timeout"), t, t.plusMillis(9), 12));
    List<String> lines = events.stream().map(EventJsonlWriter::format).toList();
    EventJsonl.Parsed parsed = EventJsonl.parse(lines);
    assertEquals(List.of(), parsed.errors());
    assertEquals(events, parsed.events());
    assertEquals(
        "{\"time\":\"2026-11-21T10:00:00.123Z\",\"point\":\"a/b\",\"type\":\"float64\",\"value\":1.25,"
            + "\"quality\":\"good\",\"source_time\":\"2026-11-21T10:00:00.123Z\",\"seq\":7}",
        lines.get(0));
  }
}
