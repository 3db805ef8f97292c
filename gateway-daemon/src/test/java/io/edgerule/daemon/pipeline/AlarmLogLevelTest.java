package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import io.edgerule.sandbox.RuleAction;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Alarm raises and clears are published (retained) on MQTT; in the log they are DEBUG lines, and
 * with DEBUG off they neither print nor use up the rule's log budget (about 140 INFO lines/s with
 * 10 devices before).
 */
class AlarmLogLevelTest {
  private final Logger dispatcherLog = (Logger) LoggerFactory.getLogger(ActionDispatcher.class);
  private final Level levelBefore = dispatcherLog.getLevel();
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final JsonTopics topics = new JsonTopics("edgerule", "gw");
  private final JsonNamespace namespace = new JsonNamespace(topics);
  private final CommandsTest.RecordingUplink uplink = new CommandsTest.RecordingUplink();
  private final ActionDispatcher dispatcher =
      new ActionDispatcher(
          new PointDirectory(List.of()),
          uplink,
          namespace,
          GatewayListener.NONE,
          Clock.systemUTC());

  @BeforeEach
  void capture() {
    lines.start();
    dispatcherLog.addAppender(lines);
  }

  @AfterEach
  void restore() {
    dispatcherLog.detachAppender(lines);
    dispatcherLog.setLevel(levelBefore);
  }

  private List<ILoggingEvent> logged() {
    synchronized (lines) { // the appender appends under its own lock
      return new ArrayList<>(lines.list);
    }
  }

  private void raiseAndClear(int times) {
    for (int i = 0; i < times; i++) {
      dispatcher.perform("r", new RuleAction.RaiseAlarm("high", 500, "too high"));
      dispatcher.perform("r", new RuleAction.ClearAlarm("high"));
    }
  }

  @Test
  void withInfoTheyAreNotLoggedAndLeaveTheRulesLogBudgetAlone() {
    dispatcherLog.setLevel(Level.INFO);
    raiseAndClear(30); // 60 lines would be three times the default budget of 20 per second
    dispatcher.perform("r", new RuleAction.Log(org.slf4j.event.Level.INFO, "still heard"));

    List<ILoggingEvent> events = logged();
    assertEquals(1, events.size(), "only the rule's own log line: " + events);
    assertEquals("rule 'r' [INFO] still heard", events.get(0).getFormattedMessage());
    assertEquals(0L, dispatcher.account("r").counter("log_lines_suppressed"));
    assertTrue(
        uplink.lastOn(topics.alarm("r", "high")).contains("\"active\":false"),
        "the alarm still goes to MQTT");
    assertEquals(60, uplink.published(), "every raise and clear published");
  }

  @Test
  void withDebugTheyAreDebugLines() {
    dispatcherLog.setLevel(Level.DEBUG);
    raiseAndClear(1);

    List<ILoggingEvent> events = logged();
    assertEquals(2, events.size(), events::toString);
    assertEquals(Level.DEBUG, events.get(0).getLevel());
    assertEquals(
        "rule 'r' raised alarm 'high' (severity 500): too high",
        events.get(0).getFormattedMessage());
    assertEquals(Level.DEBUG, events.get(1).getLevel());
    assertEquals("rule 'r' cleared alarm 'high'", events.get(1).getFormattedMessage());
  }
}
