package io.edgerule.daemon.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.pipeline.ActionDispatcher;
import io.edgerule.daemon.pipeline.RuleAccount;
import io.edgerule.daemon.testing.FairnessRig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.RecordingUplink;
import io.edgerule.daemon.testing.Snapshots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 16, class 5: a rule raising hundreds of new alarm names per batch grew the gateway's alarm
 * map (and the retained state message) without bound and wrote a million log lines. Now each rule
 * has at most {@code pipeline.alarms_per_rule} names and {@code pipeline.rule_log_lines} lines per
 * second; a well-behaved alarm rule beside it keeps every raise and clear, in order.
 */
class AlarmFloodTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CAP = 50;
  private static final int LOG_LINES = 20;
  private static final int NAMES_PER_BATCH = 200;
  private static final int LOGS_PER_BATCH = 50;

  @TempDir Path tmp;

  @Test
  void aRuleRaisingEndlessNewAlarmsIsCappedWhileAGoodRulesAlarmStaysExact() throws Exception {
    Logger dispatcherLog = (Logger) LoggerFactory.getLogger(ActionDispatcher.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    dispatcherLog.addAppender(lines);
    try (FairnessRig rig = new FairnessRig(tmp)) {
      rig.pipeline =
          new PipelineConfig(
              100_000, 64, 2, Duration.ofSeconds(30), null, CAP, LOG_LINES, null, null, null, null);
      rig.rule(
          "flood",
          HostileWat.alarmFlood(NAMES_PER_BATCH, LOGS_PER_BATCH),
          "inputs: [tank/level]\nalarms: ['#']\n"
              + "limits: {deadline: 1s, max_actions: 1000, actions_per_second: 100000}\n");
      rig.rule(
          "guard",
          HostileWat.GUARD,
          "inputs: [tank/level]\nalarms: [high]\nlimits: {deadline: 1s, actions_per_second: 100000}\n");
      AtomicInteger mostFloodAlarms = new AtomicInteger();
      rig.afterOutcome =
          rule -> {
            int n =
                (int)
                    rig.gw.actions().alarms().keySet().stream()
                        .filter(k -> k.startsWith("flood/"))
                        .count();
            mostFloodAlarms.accumulateAndGet(n, Math::max);
          };
      rig.start();
      long t0 = System.nanoTime();
      int n = 400;
      List<Boolean> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int value = (i * 7) % 200; // crosses 100 both ways again and again
        expected.add(value >= 100);
        rig.tank.push("level", value);
      }
      RecordingUplink up = rig.recording();
      String guardTopic =
          ((io.edgerule.daemon.namespace.json.JsonNamespace) rig.gw.namespace())
              .topics()
              .alarm("guard", "high");
      Poll.until(
          () -> up.on(guardTopic).size() >= n && rig.record("flood").events.get() >= n,
          FairnessRig.WAIT,
          "both rules saw every event");
      // The listener hears of a batch before its actions are carried out: wait for the last.
      RuleAccount flood = rig.gw.actions().account("flood");
      Poll.until(
          () -> {
            long batches = rig.record("flood").committed.get();
            return flood.counter("alarms_refused") + CAP == NAMES_PER_BATCH * batches
                && floodLines(lines) + flood.counter("log_lines_suppressed")
                    == (NAMES_PER_BATCH + LOGS_PER_BATCH) * batches;
          },
          FairnessRig.WAIT,
          "every raise and log line of the flood kept, refused or suppressed");
      double seconds = (System.nanoTime() - t0) / 1e9;

      List<Boolean> published = new ArrayList<>();
      for (RecordingUplink.Message m : up.on(guardTopic)) {
        JsonNode alarm = JSON.readTree(m.payload());
        assertTrue(m.retained(), "alarm messages are retained");
        published.add(alarm.get("active").asBoolean());
      }
      assertEquals(expected, published, "the good rule's every raise and clear, in order");
      assertEquals(0, rig.record("guard").failed.get(), rig.record("guard").failures::toString);

      long floodBatches = rig.record("flood").committed.get();
      assertEquals(0, rig.record("flood").failed.get(), rig.record("flood").failures::toString);
      long raises = NAMES_PER_BATCH * floodBatches;
      assertTrue(raises > CAP, "the flood asked for more names than the cap: " + raises);
      assertTrue(mostFloodAlarms.get() <= CAP, "alarms kept for the flood: " + mostFloodAlarms);
      assertEquals(raises - CAP, flood.counter("alarms_refused"), "every refused raise counted");
      String floodPrefix =
          ((io.edgerule.daemon.namespace.json.JsonNamespace) rig.gw.namespace())
              .topics()
              .alarm("flood", "");
      long floodAlarmMessages =
          up.messages.stream().filter(m -> m.topic().startsWith(floodPrefix)).count();
      assertEquals(CAP, floodAlarmMessages, "only alarms that were kept reach the broker");

      GatewayState state = rig.gw.snapshot("x");
      long inState = state.alarms().keySet().stream().filter(k -> k.startsWith("flood/")).count();
      assertEquals(CAP, inState, "the state message holds at most alarms_per_rule of the rule");
      GatewayState.RuleState floodEntry = Snapshots.rule(state, "flood");
      assertEquals(
          raises - CAP,
          floodEntry.counters().getOrDefault("alarms_refused", 0L).longValue(),
          "in the state");

      // Log lines: each attempt either became a line or was counted as suppressed; the lines that
      // got through stay within the rate.
      long floodLines = floodLines(lines);
      long attempts = (NAMES_PER_BATCH + LOGS_PER_BATCH) * floodBatches;
      assertEquals(attempts, floodLines + flood.counter("log_lines_suppressed"));
      assertTrue(
          floodLines <= LOG_LINES * (seconds + 1),
          floodLines + " flood lines in " + seconds + " s, allowed " + LOG_LINES + "/s");
      assertTrue(rig.deadThreads.isEmpty(), rig.deadThreads::toString);
    } finally {
      dispatcherLog.detachAppender(lines);
    }
  }

  /** Lines about the flood rule's own log calls, alarms and refusals (not suppression notices). */
  private static long floodLines(ListAppender<ILoggingEvent> lines) {
    List<ILoggingEvent> copy;
    synchronized (lines) { // the appender appends under its own lock
      copy = new ArrayList<>(lines.list);
    }
    return copy.stream()
        .map(ILoggingEvent::getFormattedMessage)
        .filter(
            m ->
                m.startsWith("rule 'flood' [")
                    || m.startsWith("rule 'flood' raised")
                    || m.startsWith("rule 'flood': alarm"))
        .count();
  }
}
