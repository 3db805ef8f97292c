package io.edgerule.sandbox;

import static io.edgerule.sandbox.Wat.BUFFER;
import static io.edgerule.sandbox.Wat.MARKER;
import static io.edgerule.sandbox.Wat.MEMORY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.RuleAction.Log;
import io.edgerule.sandbox.RuleAction.Publish;
import io.edgerule.sandbox.RuleAction.RaiseAlarm;
import io.edgerule.sandbox.RuleAction.WritePoint;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import io.edgerule.sandbox.internal.EventEncoder;
import io.edgerule.sandbox.internal.PointTable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The gw namespace as a rule sees it: lookups, emits, grants and the event records. */
class HostFunctionsTest extends EngineFixture {
  private static final Instant NOW = Instant.parse("2026-11-21T12:34:56.789Z");

  /** Every gw import, named as in docs/reference/rule-abi.md. */
  private static final String[] IMPORTS = {
    "(import \"gw\" \"point_id\" (func $point_id (param i32 i32) (result i32)))",
    "(import \"gw\" \"point_name\" (func $point_name (param i32 i32 i32) (result i32)))",
    "(import \"gw\" \"topic_id\" (func $topic_id (param i32 i32) (result i32)))",
    "(import \"gw\" \"write_bool\" (func $write_bool (param i32 i32) (result i32)))",
    "(import \"gw\" \"write_i64\" (func $write_i64 (param i32 i64) (result i32)))",
    "(import \"gw\" \"write_f64\" (func $write_f64 (param i32 f64) (result i32)))",
    "(import \"gw\" \"publish\" (func $publish (param i32 i32 i32 i32) (result i32)))",
    "(import \"gw\" \"alarm_raise\" (func $alarm_raise (param i32 i32 i32 i32 i32) (result i32)))",
    "(import \"gw\" \"alarm_clear\" (func $alarm_clear (param i32 i32) (result i32)))",
    "(import \"gw\" \"log\" (func $log (param i32 i32 i32)))",
    "(import \"gw\" \"now_ms\" (func $now_ms (result i64)))",
  };

  /** Names at fixed addresses: (address, length). */
  private static final String NAMES =
      "(data (i32.const 0) \"tank/level\")" // 0,10
          + " (data (i32.const 16) \"tank/out\")" // 16,8
          + " (data (i32.const 32) \"boiler/x\")" // 32,8
          + " (data (i32.const 48) \"bad//name\")" // 48,9
          + " (data (i32.const 64) \"status\")" // 64,6
          + " (data (i32.const 80) \"other\")" // 80,5
          + " (data (i32.const 96) \"a/+\")" // 96,3
          + " (data (i32.const 112) \"high/level\")" // 112,10
          + " (data (i32.const 128) \"hello\")" // 128,5
          + " (data (i32.const 144) \"nope\")"; // 144,4

  private static final RuleManifest GRANTS =
      named(
          "t",
          "writable_points: [tank/out]",
          "topics: [status]",
          "alarms: ['high/#']",
          "limits: {deadline: 1s}");

  @Override
  protected Clock clock() {
    return Clock.fixed(NOW, java.time.ZoneOffset.UTC);
  }

  /** A rule with all imports, the names, globals $out/$level/$topic set in er_init. */
  private static byte[] probe(String... fields) {
    String[] head = {
      MARKER,
      MEMORY,
      BUFFER,
      NAMES,
      "(global $out (mut i32) (i32.const -1))",
      "(global $level (mut i32) (i32.const -1))",
      "(global $topic (mut i32) (i32.const -1))",
      "(func (export \"er_init\") (result i32)"
          + " (global.set $level (call $point_id (i32.const 0) (i32.const 10)))"
          + " (global.set $out (call $point_id (i32.const 16) (i32.const 8)))"
          + " (global.set $topic (call $topic_id (i32.const 64) (i32.const 6)))"
          + " (i32.const 0))"
    };
    String[] all = new String[IMPORTS.length + head.length + fields.length];
    System.arraycopy(IMPORTS, 0, all, 0, IMPORTS.length);
    System.arraycopy(head, 0, all, IMPORTS.length, head.length);
    System.arraycopy(fields, 0, all, IMPORTS.length + head.length, fields.length);
    return Wat.module(all);
  }

  private static String onEvents(String body) {
    return "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32) "
        + body
        + " (i32.const 0))";
  }

  private List<RuleAction> run(byte[] wasm, List<PointEvent> batch) {
    Rule rule = engine.load("t", wasm, GRANTS);
    RuleOutcome out = engine.evaluate(rule, batch);
    return assertInstanceOf(Committed.class, out, out::toString).actions();
  }

  private List<RuleAction> run(byte[] wasm) {
    return run(wasm, List.of(Events.f64("tank/level", 1)));
  }

  private Failed failure(byte[] wasm) {
    Rule rule = engine.load("t", wasm, GRANTS);
    return assertInstanceOf(
        Failed.class, engine.evaluate(rule, List.of(Events.f64("tank/level", 1))));
  }

  private static List<Long> writtenLongs(List<RuleAction> actions) {
    return actions.stream()
        .map(a -> ((PointValue.Int64) ((WritePoint) a).value()).value())
        .toList();
  }

  private static String report(String expr) {
    return "(drop (call $write_i64 (global.get $out) (i64.extend_i32_s " + expr + ")))";
  }

  @Test
  void lookupsAnswerWithStatusCodes() {
    byte[] wasm =
        probe(
            "(global $c1 (mut i32) (i32.const 0)) (global $c2 (mut i32) (i32.const 0))"
                + " (global $c3 (mut i32) (i32.const 0)) (global $c4 (mut i32) (i32.const 0))"
                + " (global $c5 (mut i32) (i32.const 0))",
            "(func $more (global.set $c1 (call $point_id (i32.const 32) (i32.const 8)))"
                + " (global.set $c2 (call $point_id (i32.const 48) (i32.const 9)))"
                + " (global.set $c3 (call $topic_id (i32.const 80) (i32.const 5)))"
                + " (global.set $c4 (call $topic_id (i32.const 96) (i32.const 3)))"
                + " (global.set $c5 (call $point_id (i32.const 0) (i32.const 0))))",
            "(start $more)",
            onEvents(
                report("(global.get $level)")
                    + report("(global.get $out)")
                    + report("(global.get $topic)")
                    + report("(global.get $c1)")
                    + report("(global.get $c2)")
                    + report("(global.get $c3)")
                    + report("(global.get $c4)")
                    + report("(global.get $c5)")
                    + report("(call $point_id (i32.const 0) (i32.const 10))")));
    // The start section runs before er_init and counts as init too; refused names get no id, so
    // tank/level and tank/out get 0 and 1. In er_on_events a lookup answers ERR_STATE (-4).
    assertEquals(List.of(0L, 1L, 0L, -3L, -1L, -3L, -1L, -1L, -4L), writtenLongs(run(wasm)));
  }

  @Test
  void writesCarryTheirTypes() {
    List<RuleAction> actions =
        run(
            probe(
                onEvents(
                    "(drop (call $write_bool (global.get $out) (i32.const 7)))"
                        + " (drop (call $write_i64 (global.get $out) (i64.const -5)))"
                        + " (drop (call $write_f64 (global.get $out) (f64.const 2.5)))")));
    PointId out = PointId.parse("tank/out");
    assertEquals(
        List.of(
            new WritePoint(out, PointValue.of(true)),
            new WritePoint(out, PointValue.of(-5L)),
            new WritePoint(out, PointValue.of(2.5))),
        actions);
  }

  @Test
  void writingAnInputPointIsDenied() {
    Failed f =
        failure(probe(onEvents("(drop (call $write_bool (global.get $level) (i32.const 1)))")));
    assertEquals(FailureKind.DENIED, f.kind());
    assertEquals(
        "gw.write_bool: write to tank/level, which the manifest does not grant (writable_points:"
            + " [tank/out])",
        f.message());
  }

  @Test
  void writingAnUnknownIdIsAnAbiFault() {
    Failed f = failure(probe(onEvents("(drop (call $write_i64 (i32.const 99) (i64.const 1)))")));
    assertEquals(FailureKind.ABI, f.kind());
    assertEquals("gw.write_i64: unknown point id 99", f.message());
  }

  @Test
  void publishCarriesTopicPayloadQosAndRetain() {
    List<RuleAction> actions =
        run(
            probe(
                onEvents(
                    "(drop (call $publish (global.get $topic) (i32.const 128) (i32.const 5)"
                        + " (i32.const 5)))")));
    assertEquals(
        List.of(new Publish("status", "hello".getBytes(StandardCharsets.UTF_8), 1, true)), actions);
  }

  @Test
  void publishWithBadFlagsOrPointerIsAnAbiFault() {
    assertEquals(
        "gw.publish: invalid flags 0x3 (bits 0-1 qos 0..2, bit 2 retain, others 0)",
        failure(
                probe(
                    onEvents(
                        "(drop (call $publish (global.get $topic) (i32.const 128) (i32.const 5)"
                            + " (i32.const 3)))")))
            .message());
    assertEquals(
        "gw.publish: payload at 70000 (+4 bytes) lies outside linear memory (65536 bytes)",
        failure(
                probe(
                    onEvents(
                        "(drop (call $publish (global.get $topic) (i32.const 70000) (i32.const 4)"
                            + " (i32.const 0)))")))
            .message());
  }

  @Test
  void alarmsMustBeGrantedAndHaveAValidSeverity() {
    List<RuleAction> actions =
        run(
            probe(
                onEvents(
                    "(drop (call $alarm_raise (i32.const 112) (i32.const 10) (i32.const 500)"
                        + " (i32.const 128) (i32.const 5)))"
                        + " (drop (call $alarm_clear (i32.const 112) (i32.const 10)))")));
    assertEquals(
        List.of(
            new RaiseAlarm("high/level", 500, "hello"), new RuleAction.ClearAlarm("high/level")),
        actions);
    Failed denied =
        failure(probe(onEvents("(drop (call $alarm_clear (i32.const 144) (i32.const 4)))")));
    assertEquals(FailureKind.DENIED, denied.kind());
    assertEquals(
        "gw.alarm_clear: alarm 'nope' is not granted by the manifest (alarms: [high/#])",
        denied.message());
    // A granted name the rule used before (recognised by its bytes since) does not let another in.
    Failed deniedAfterGranted =
        failure(
            probe(
                onEvents(
                    "(drop (call $alarm_clear (i32.const 112) (i32.const 10)))"
                        + " (drop (call $alarm_clear (i32.const 112) (i32.const 10)))"
                        + " (drop (call $alarm_clear (i32.const 144) (i32.const 4)))")));
    assertEquals(denied, deniedAfterGranted);
    Failed severity =
        failure(
            probe(
                onEvents(
                    "(drop (call $alarm_raise (i32.const 112) (i32.const 10) (i32.const 0)"
                        + " (i32.const 128) (i32.const 5)))")));
    assertEquals(FailureKind.ABI, severity.kind());
    assertEquals("gw.alarm_raise: severity 0 is outside 1..1000", severity.message());
  }

  @Test
  void logLevels() {
    StringBuilder body = new StringBuilder();
    for (int level = 0; level <= 4; level++) {
      body.append("(call $log (i32.const ")
          .append(level)
          .append(") (i32.const 128) (i32.const 5))");
    }
    List<RuleAction> actions = run(probe(onEvents(body.toString())));
    assertEquals(
        List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR),
        actions.stream().map(a -> ((Log) a).level()).toList());
    assertEquals("hello", ((Log) actions.get(0)).message());
    assertEquals(
        "gw.log: level 9 is not 0 (trace) .. 4 (error)",
        failure(probe(onEvents("(call $log (i32.const 9) (i32.const 128) (i32.const 5))")))
            .message());
  }

  @Test
  void nowMsReadsTheEnginesClock() {
    List<RuleAction> actions =
        run(probe(onEvents("(drop (call $write_i64 (global.get $out) (call $now_ms)))")));
    assertEquals(List.of(NOW.toEpochMilli()), writtenLongs(actions));
  }

  @Test
  void pointNameTellsTheNameOfAHostAssignedId() {
    // The rule did not resolve tank/extra; its event arrives with a fresh id.
    byte[] wasm =
        probe(
            onEvents(
                report(
                        "(call $point_name (i32.load (local.get $ptr)) (i32.const 200) (i32.const 64))")
                    + " (drop (call $publish (global.get $topic) (i32.const 200) (i32.const 10)"
                    + " (i32.const 0)))"
                    + report("(call $point_name (i32.const 77) (i32.const 200) (i32.const 64))")
                    + report(
                        "(call $point_name (i32.load (local.get $ptr)) (i32.const 300) (i32.const 4))")
                    + " (drop (call $publish (global.get $topic) (i32.const 300) (i32.const 8)"
                    + " (i32.const 0)))"));
    List<RuleAction> actions = run(wasm, List.of(Events.f64("tank/extra", 1)));
    assertEquals(10L, ((PointValue.Int64) ((WritePoint) actions.get(0)).value()).value());
    assertArrayEquals(
        "tank/extra".getBytes(StandardCharsets.UTF_8), ((Publish) actions.get(1)).payload());
    assertEquals(-2L, ((PointValue.Int64) ((WritePoint) actions.get(2)).value()).value());
    assertEquals(
        10L, ((PointValue.Int64) ((WritePoint) actions.get(3)).value()).value(), "full length");
    assertArrayEquals(
        "tank\0\0\0\0".getBytes(StandardCharsets.UTF_8),
        ((Publish) actions.get(4)).payload(),
        "only cap bytes written");
  }

  @Test
  void eventsCrossAsRecordsWithPayloadsAndUnsubscribedPointsLeftOut() {
    // Publishes the record area, then the payload of each string/bytes record.
    byte[] wasm =
        probe(
            onEvents(
                "(drop (call $publish (global.get $topic) (local.get $ptr)"
                    + " (i32.mul (local.get $count) (i32.const 32)) (i32.const 0)))"
                    + " (block $done (loop $next"
                    + "  (br_if $done (i32.eqz (local.get $count)))"
                    + "  (if (i32.ge_u (i32.load8_u offset=4 (local.get $ptr)) (i32.const 4))"
                    + "   (then (drop (call $publish (global.get $topic)"
                    + "     (i32.load offset=8 (local.get $ptr)) (i32.load offset=12 (local.get $ptr))"
                    + "     (i32.const 0)))))"
                    + "  (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))"
                    + "  (local.set $count (i32.sub (local.get $count) (i32.const 1)))"
                    + "  (br $next)))"));
    List<PointEvent> batch =
        List.of(
            Events.f64("tank/level", 42.5),
            Events.of("boiler/x", PointValue.of(true)), // not subscribed (inputs: tank/#)
            Events.of("tank/name", PointValue.of("Tänk 1")),
            Events.of("tank/raw", PointValue.of(new byte[] {1, 2, 3})),
            Events.of("tank/on", PointValue.of(true)));
    List<RuleAction> actions = run(wasm, batch);
    assertEquals(3, actions.size(), actions.toString());

    // The same batch through the encoder, placed where the test BUFFER puts it (4096).
    PointTable ids = new PointTable(GRANTS);
    ids.resolve("tank/level"); // er_init resolved tank/level (0) and tank/out (1)
    ids.resolve("tank/out");
    EventEncoder encoder = new EventEncoder();
    assertEquals(4, encoder.encode(batch, ids));
    encoder.relocate(4096);
    byte[] expected = Arrays.copyOf(encoder.bytes(), 4 * 32);
    assertArrayEquals(expected, ((Publish) actions.get(0)).payload());
    assertArrayEquals(
        "Tänk 1".getBytes(StandardCharsets.UTF_8), ((Publish) actions.get(1)).payload());
    assertArrayEquals(new byte[] {1, 2, 3}, ((Publish) actions.get(2)).payload());
  }
}
