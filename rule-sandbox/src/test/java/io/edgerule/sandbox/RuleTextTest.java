package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Text and names a rule controls: log lines and alarm messages reach the gateway's log as one line
 * with control characters escaped (issue 16, class 9: a rule printed lines that looked like the
 * gateway's own), and topics and alarm names, which become MQTT topic levels, have no "." or ".."
 * segments (issue 12: {@code rules/<rule>/../../cmd/write} was sent literally).
 */
class RuleTextTest extends EngineFixture {
  private static final String LOG = "(import \"gw\" \"log\" (func $log (param i32 i32 i32)))";
  private static final String RAISE =
      "(import \"gw\" \"alarm_raise\" (func $raise (param i32 i32 i32 i32 i32) (result i32)))";
  private static final String TOPIC_ID =
      "(import \"gw\" \"topic_id\" (func $topic_id (param i32 i32) (result i32)))";

  /** A forged gateway line, a carriage return, an ANSI colour, a NUL, a NEL, a bidi override. */
  private static final String FORGED =
      "ok\n12:00:00 WARN rule 'pump' quarantined\r\u001b[31mred\u0000\u0085\u202e!";

  private static final String ESCAPED =
      "ok\\n12:00:00 WARN rule 'pump' quarantined\\r\\u001b[31mred\\u0000\\u0085\\u202e!";

  /** WAT string literal of UTF-8 bytes. */
  private static String watBytes(String text) {
    StringBuilder b = new StringBuilder();
    for (byte x : text.getBytes(StandardCharsets.UTF_8)) {
      b.append(String.format("\\%02x", x & 0xff));
    }
    return b.toString();
  }

  @Test
  void logLinesAndAlarmMessagesAreOneLineWithControlCharactersEscaped() {
    int n = FORGED.getBytes(StandardCharsets.UTF_8).length;
    Rule rule =
        load(
            Wat.rule(
                LOG,
                RAISE,
                "(data (i32.const 0) \"hot\")",
                "(data (i32.const 16) \"" + watBytes(FORGED) + "\")",
                "(func (export \"er_on_events\") (param i32 i32) (result i32)"
                    + " (call $log (i32.const 3) (i32.const 16) (i32.const "
                    + n
                    + "))"
                    + " (drop (call $raise (i32.const 0) (i32.const 3) (i32.const 5)"
                    + " (i32.const 16) (i32.const "
                    + n
                    + ")))"
                    + " (i32.const 0))"),
            named("t", "alarms: [hot]"));
    RuleOutcome out = engine.evaluate(rule, List.of(Events.f64("tank/level", 1)));
    assertEquals(
        new Committed(
            List.of(
                new RuleAction.Log(Level.WARN, ESCAPED),
                new RuleAction.RaiseAlarm("hot", 5, ESCAPED))),
        out);
  }

  @Test
  void initLogLinesQuotedInALoadErrorAreEscapedToo() {
    int n = FORGED.getBytes(StandardCharsets.UTF_8).length;
    RuleLoadException e =
        assertThrows(
            RuleLoadException.class,
            () ->
                load(
                    Wat.module(
                        Wat.MARKER,
                        Wat.MEMORY,
                        Wat.BUFFER,
                        Wat.EVENTS_OK,
                        LOG,
                        "(data (i32.const 16) \"" + watBytes(FORGED) + "\")",
                        "(func (export \"er_init\") (result i32)"
                            + " (call $log (i32.const 2) (i32.const 16) (i32.const "
                            + n
                            + ")) (i32.const 1))"),
                    named("t")));
    assertEquals(
        "rule 't': er_init returned status 1 (0 means success); it logged: " + ESCAPED,
        e.getMessage());
  }

  @Test
  void aTopicPatternWithADotSegmentIsRefusedAtItsPosition() {
    ManifestException e =
        assertThrows(
            ManifestException.class,
            () -> RuleManifest.parse("name: x\ntopics:\n  - status\n  - '../cmd/#'\n", "x.yaml"));
    assertEquals(
        "x.yaml:4:5: topics[1]: '../cmd/#' has a '..' segment; MQTT topic levels may not be . or ..",
        e.getMessage());
    e =
        assertThrows(
            ManifestException.class,
            () -> RuleManifest.parse("name: x\nalarms: [a/./b]\n", "x.yaml"));
    assertEquals(
        "x.yaml:2:10: alarms[0]: 'a/./b' has a '.' segment; MQTT topic levels may not be . or ..",
        e.getMessage());
  }

  @Test
  void aTopicOrAlarmNameWithADotSegmentIsRefusedAtRunTime() {
    // 'out/#' grants "out/../../cmd/write" by its wildcard: topic_id must answer ERR_INVALID (-1).
    // er_init checks each answer and returns 10 + the index of the first unexpected one.
    String[] names = {"out/ok", "out/../../cmd/write", "out/./x", "out/..", "out/a..b"};
    int[] expected = {0, -1, -1, -1, 1};
    StringBuilder data = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      data.append("(data (i32.const ").append(64 * i).append(") \"").append(names[i]).append("\")");
      body.append("(if (i32.ne (call $topic_id (i32.const ")
          .append(64 * i)
          .append(") (i32.const ")
          .append(names[i].length())
          .append(")) (i32.const ")
          .append(expected[i])
          .append(")) (then (return (i32.const ")
          .append(10 + i)
          .append("))))");
    }
    load(
        Wat.module(
            Wat.MARKER,
            Wat.MEMORY,
            Wat.BUFFER,
            Wat.EVENTS_OK,
            TOPIC_ID,
            data.toString(),
            "(func (export \"er_init\") (result i32) " + body + " (i32.const 0))"),
        named("t", "topics: ['out/#']"));

    // An alarm name with a ".." segment is an ABI fault, even where a pattern would grant it.
    Rule rule =
        engine.load(
            "a",
            Wat.rule(
                RAISE,
                "(data (i32.const 0) \"hot/../x\")",
                "(func (export \"er_on_events\") (param i32 i32) (result i32)"
                    + " (drop (call $raise (i32.const 0) (i32.const 8) (i32.const 1)"
                    + " (i32.const 0) (i32.const 0))) (i32.const 0))"),
            named("a", "alarms: ['hot/#']"));
    Failed f =
        assertInstanceOf(Failed.class, engine.evaluate(rule, List.of(Events.f64("tank/level", 1))));
    assertEquals(FailureKind.ABI, f.kind(), f.message());
    assertEquals(
        "gw.alarm_raise: invalid alarm name (1..256 bytes, '/'-separated segments of letters,"
            + " digits, '_', '.', ':' or '-', not . or ..)",
        f.message());
  }
}
