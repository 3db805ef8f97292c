package io.edgerule.daemon.namespace.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.CommandId;
import io.edgerule.daemon.namespace.CommandResult;
import io.edgerule.daemon.namespace.FleetCommand;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact topics and bytes of the JSON namespace (docs/reference/mqtt.md). */
class JsonNamespaceTest {
  private final JsonNamespace ns = new JsonNamespace(new JsonTopics("edgerule", "gw-001"), 1);
  private static final Instant T1 = Instant.parse("2026-11-21T10:00:01.250Z");
  private static final Instant T2 = Instant.parse("2026-11-21T10:00:01.252Z");

  private OutboundMessage one(
      java.util.function.Consumer<java.util.function.Consumer<OutboundMessage>> call) {
    List<OutboundMessage> out = new ArrayList<>();
    call.accept(out::add);
    assertEquals(1, out.size(), "one message");
    return out.get(0);
  }

  private static String text(OutboundMessage m) {
    return new String(m.payload(), StandardCharsets.UTF_8);
  }

  private static PointEvent event(String point, PointValue v, Quality q, long seq) {
    return new PointEvent(PointId.parse(point), v, q, T1, T2, seq);
  }

  @Test
  void perPointTelemetry() {
    OutboundMessage m =
        one(
            out ->
                ns.telemetry(event("tank/level", PointValue.of(81.25), Quality.GOOD, 1734), out));
    assertEquals("edgerule/gw-001/telemetry/tank/level", m.topic());
    assertEquals(
        "{\"value\":81.25,\"type\":\"float64\",\"quality\":\"GOOD\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":1734}",
        text(m));
    assertEquals(1, m.qos());
    assertEquals(false, m.retain());
    assertEquals(MessageClass.TELEMETRY, m.messageClass());
  }

  @Test
  void perPointTelemetryOfEveryKind() {
    assertEquals(
        "{\"value\":null,\"quality\":\"BAD\",\"reason\":\"timeout after 1000 ms\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":2}",
        text(
            one(
                out ->
                    ns.telemetry(
                        event("tank/level", null, Quality.bad("timeout after 1000 ms"), 2), out))));
    assertEquals(
        "{\"value\":\"NaN\",\"type\":\"float64\",\"quality\":\"UNCERTAIN\",\"reason\":\"stale\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":3}",
        text(
            one(
                out ->
                    ns.telemetry(
                        event("t/x", PointValue.of(Double.NaN), Quality.uncertain("stale"), 3),
                        out))));
    assertEquals(
        "{\"value\":true,\"type\":\"bool\",\"quality\":\"GOOD\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":4}",
        text(one(out -> ns.telemetry(event("t/b", PointValue.of(true), Quality.GOOD, 4), out))));
    assertEquals(
        "{\"value\":-7,\"type\":\"int64\",\"quality\":\"GOOD\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":5}",
        text(one(out -> ns.telemetry(event("t/i", PointValue.of(-7L), Quality.GOOD, 5), out))));
    assertEquals(
        "{\"value\":\"a\\\"\\u00e9\",\"type\":\"string\",\"quality\":\"GOOD\","
                .replace("\\u00e9", "\u00e9")
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":6}",
        text(
            one(
                out ->
                    ns.telemetry(event("t/s", PointValue.of("a\"\u00e9"), Quality.GOOD, 6), out))));
    assertEquals(
        "{\"value\":\"AQL/\",\"type\":\"bytes\",\"quality\":\"GOOD\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":7}",
        text(
            one(
                out ->
                    ns.telemetry(
                        event(
                            "t/y", PointValue.of(new byte[] {1, 2, (byte) 0xff}), Quality.GOOD, 7),
                        out))));
  }

  @Test
  void batchTelemetryCarriesEveryEventInOrder() {
    List<PointEvent> events =
        List.of(
            event("tank/level", PointValue.of(81.25), Quality.GOOD, 10),
            event("tank/pump", PointValue.of(true), Quality.GOOD, 11),
            event("tank/level", null, Quality.bad("timeout after 1000 ms"), 12));
    OutboundMessage m = one(out -> ns.telemetryBatch("tank", events, out));
    assertEquals("edgerule/gw-001/telemetry-batch/tank", m.topic());
    assertEquals(
        "{\"device\":\"tank\",\"points\":["
            + "{\"point\":\"level\",\"value\":81.25,\"type\":\"float64\",\"quality\":\"GOOD\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":10},"
            + "{\"point\":\"pump\",\"value\":true,\"type\":\"bool\",\"quality\":\"GOOD\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":11},"
            + "{\"point\":\"level\",\"value\":null,\"quality\":\"BAD\","
            + "\"reason\":\"timeout after 1000 ms\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.252Z\",\"seq\":12}]}",
        text(m));
    assertEquals(1, m.qos());
    assertEquals(MessageClass.TELEMETRY, m.messageClass());
    List<OutboundMessage> none = new ArrayList<>();
    ns.telemetryBatch("tank", List.of(), none::add);
    assertEquals(List.of(), none, "an empty batch is no message");
  }

  @Test
  void alarmsWriteResultsAndState() {
    OutboundMessage raised =
        one(out -> ns.alarm(AlarmChange.raised("overtemp", "high", 2, "hot", T1), out));
    assertEquals("edgerule/gw-001/alarms/overtemp/high", raised.topic());
    assertEquals(
        "{\"rule\":\"overtemp\",\"alarm\":\"high\",\"active\":true,\"severity\":2,"
            + "\"message\":\"hot\",\"time\":\"2026-11-21T10:00:01.250Z\"}",
        text(raised));
    assertEquals(true, raised.retain());
    assertEquals(MessageClass.ALARM, raised.messageClass());
    assertEquals(
        "{\"rule\":\"overtemp\",\"alarm\":\"high\",\"active\":false,"
            + "\"time\":\"2026-11-21T10:00:01.250Z\"}",
        text(one(out -> ns.alarm(AlarmChange.cleared("overtemp", "high", T1), out))));

    WriteResult r =
        new WriteResult(
            new WriteCommand(PointId.parse("tank/pump"), PointValue.of(true), "rule:pump"),
            WriteResult.Status.FAILED,
            "exception 02");
    OutboundMessage w = one(out -> ns.writeResult(r, T1, out));
    assertEquals("edgerule/gw-001/writes/tank/pump", w.topic());
    assertEquals(
        "{\"point\":\"tank/pump\",\"value\":true,\"status\":\"FAILED\",\"detail\":\"exception 02\","
            + "\"origin\":\"rule:pump\",\"time\":\"2026-11-21T10:00:01.250Z\"}",
        text(w));
    assertEquals(MessageClass.WRITE_RESULT, w.messageClass());

    OutboundMessage birth = one(ns::birth);
    assertEquals("edgerule/gw-001/state", birth.topic());
    assertEquals("{\"status\":\"online\"}", text(birth));
    assertEquals(true, birth.retain());
    assertEquals("{\"status\":\"offline\",\"reason\":\"connection lost\"}", text(ns.will()));

    OutboundMessage pub = ns.rulePublication("pump", "seq", new byte[] {1}, 0, true);
    assertEquals("edgerule/gw-001/rules/pump/seq", pub.topic());
    assertEquals(MessageClass.RULE_PUBLICATION, pub.messageClass());
  }

  @Test
  void commandResultsEchoTheIdAsSent() {
    OutboundMessage number =
        one(
            out ->
                ns.commandResult(
                    new CommandResult(new CommandId("42", IntNode.valueOf(42)), "write", "OK", ""),
                    out));
    assertEquals("edgerule/gw-001/cmd-result", number.topic());
    assertEquals("{\"id\":42,\"command\":\"write\",\"status\":\"OK\"}", text(number));
    assertEquals(MessageClass.COMMAND_RESULT, number.messageClass());
    assertEquals(
        // A control character in a detail is escaped by JsonErrors.oneLine, then by JSON.
        "{\"id\":\"42\",\"command\":\"rule\",\"status\":\"INVALID\",\"detail\":\"bad\\\\u000athing\"}",
        text(
            one(
                out ->
                    ns.commandResult(
                        new CommandResult(
                            new CommandId("42", TextNode.valueOf("42")),
                            "rule",
                            "INVALID",
                            "bad\nthing"),
                        out))));
  }

  @Test
  void decodesCommands() {
    assertEquals(List.of("edgerule/gw-001/cmd/#"), ns.commandFilters());
    FleetCommand status = ns.decode("edgerule/gw-001/cmd/status", "{\"id\":\"s1\"}".getBytes());
    assertInstanceOf(FleetCommand.Status.class, status);
    assertEquals("s1", status.id().text());
    FleetCommand level =
        ns.decode(
            "edgerule/gw-001/cmd/log-level",
            "{\"id\":1,\"logger\":\"io.edgerule\",\"level\":\"debug\"}".getBytes());
    assertEquals(new FleetCommand.LogLevel(level.id(), "log-level", "io.edgerule", "DEBUG"), level);
    FleetCommand bad =
        ns.decode(
            "edgerule/gw-001/cmd/log-level",
            "{\"logger\":\"io.edgerule\",\"level\":\"LOUD\"}".getBytes());
    assertEquals(
        "'level' must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, not \"LOUD\"",
        ((FleetCommand.Invalid) bad).detail());
    FleetCommand unknown = ns.decode("edgerule/gw-001/cmd/reboot", "{}".getBytes());
    assertEquals(
        "unknown command 'reboot'; known: write, rule, status, log-level, reload",
        ((FleetCommand.Invalid) unknown).detail());
  }
}
