package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.HostCallModel.Ends;
import io.edgerule.sandbox.HostCallModel.Result;
import io.edgerule.sandbox.HostCallModel.Returned;
import io.edgerule.sandbox.HostCalls.Call;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the gw host-function boundary: fixed-seed random programs of gw calls with hostile
 * arguments run in er_on_events, er_on_tick, er_init and the start section, and each outcome is
 * checked against {@link HostCallModel}, an oracle written from docs/reference/rule-abi.md: every
 * status a lookup answers, every committed action, the kind of every failure (and that its message
 * names the function), the committed state, and that nothing but RuleLoadException escapes.
 * Meanwhile a well-behaved rule in the same engine keeps producing exactly its actions.
 *
 * <p>A generated rule checks each status it gets against the model's and, on a mismatch, returns
 * {@code (call index + 1) << 16 | status & 0xffff}; the assertion message decodes it. Every message
 * names the case's seed and its calls as WAT.
 */
class HostCallFuzzTest extends EngineFixture {
  private static final long SEED = 0x0EDE_2026L;
  private static final Instant NOW = Instant.parse("2026-11-21T12:34:56.789Z");
  private static final int PAGE = HostCallModel.PAGE;
  private static final int BUFFER_AT = 4096; // where Wat.BUFFER puts every batch

  private static final List<PointEvent> BATCH =
      List.of(
          Events.f64("tank/level", 21.5),
          Events.of("tank/extra", PointValue.of("Tänk 1")),
          Events.of("boiler/x", PointValue.of(true)), // not subscribed: left out
          Events.of("tank/raw", PointValue.of(new byte[] {1, 2, 3})),
          Events.of("pump/out", PointValue.of(5L))); // writable, not an input: left out

  enum Where {
    EVENTS,
    TICK,
    INIT,
    START
  }

  @Override
  protected Clock clock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  /** Generous deadlines (a busy 2-core CI machine must not turn a call into DEADLINE). */
  @Override
  protected RuleLimits hostCaps() {
    return RuleLimits.defaults()
        .with(RuleLimit.DEADLINE, Duration.ofSeconds(10))
        .with(RuleLimit.INIT_DEADLINE, Duration.ofSeconds(10))
        .with(RuleLimit.MEMORY_PAGES, 256);
  }

  @Test
  void callsFromErOnEvents() {
    fuzz(Where.EVENTS, 260);
  }

  @Test
  void callsFromErOnTick() {
    fuzz(Where.TICK, 100);
  }

  @Test
  void callsFromErInitAndTheStartSection() {
    fuzz(Where.INIT, 80);
    fuzz(Where.START, 40);
  }

  /**
   * Regions that end exactly at the end of memory, or are empty there, or straddle it by one byte,
   * for every function that takes one, on both kinds of memory (flat and Chicory's paged one).
   */
  @Test
  void regionsAtTheEndOfMemory() {
    int e = PAGE;
    int k1 = HostCalls.KEY1.address();
    int high = HostCalls.HIGH_LEVEL.address();
    List<List<Call>> programs =
        List.of(
            List.of(
                HostCalls.call("point_name", 0, e, 0),
                HostCalls.call("point_name", 0, e - 10, 10),
                HostCalls.call("point_name", 0, e - 10, Integer.MAX_VALUE),
                HostCalls.call("publish", 0, e, 0, 0),
                HostCalls.call("publish", 0, e - 6, 6, 4),
                HostCalls.call("log", 2, e, 0),
                HostCalls.call("log", 4, e - 6, 6),
                HostCalls.call("alarm_raise", high, 10, 1000, e, 0),
                HostCalls.call("alarm_raise", high, 10, 1, e - 6, 6),
                HostCalls.call("state_put", k1, 2, e - 6, 6),
                HostCalls.call("state_get", k1, 2, e, 0),
                HostCalls.call("state_get", k1, 2, e - 6, 6),
                HostCalls.call("state_put", k1, 2, e, 0),
                HostCalls.call("state_get", k1, 2, e, 0),
                HostCalls.call("state_put", k1, 2, e - 7, 7)),
            List.of(HostCalls.call("point_name", 0, e - 9, 10)),
            List.of(HostCalls.call("point_name", 0, e + 1, 0)),
            List.of(HostCalls.call("publish", 0, e - 5, 6, 0)),
            List.of(HostCalls.call("publish", 0, e + 1, 0, 0)),
            List.of(HostCalls.call("log", 2, e - 5, 6)),
            List.of(HostCalls.call("alarm_raise", high, 10, 1, e - 5, 6)),
            List.of(HostCalls.call("alarm_clear", e - 6, 7)),
            List.of(HostCalls.call("state_put", k1, 2, e - 5, 6)),
            List.of(
                HostCalls.call("state_put", k1, 2, 0, 6),
                HostCalls.call("state_get", k1, 2, e - 5, 6)),
            List.of(HostCalls.call("state_get", e - 1, 2, 0, 0)));
    Rule good = WellBehavedRule.load(engine);
    for (boolean paged : new boolean[] {false, true}) {
      for (int i = 0; i < programs.size(); i++) {
        int index = i + (paged ? 100 : 0);
        String ending =
            run(generate(Where.EVENTS, 900 + index, SEED + index, programs.get(i), paged));
        assertEquals(i == 0, ending.equals("committed"), "program " + i + ": " + ending);
      }
    }
    WellBehavedRule.assertWorks(engine, good, "after the end-of-memory cases");
  }

  /** NaN, the infinities and -0.0 are float64 values like any other: written as they are. */
  @Test
  void specialFloatsAreWrittenAsTheyAre() {
    long[] bits = {
      0x7ff8_0000_0000_0000L, 0xfff8_0000_0000_0001L, 0x7ff0_0000_0000_0000L,
      0xfff0_0000_0000_0000L, 0x8000_0000_0000_0000L, 1L
    };
    List<Call> writes = new ArrayList<>();
    for (long b : bits) {
      writes.add(HostCalls.call("write_f64", 1, b));
    }
    assertEquals("committed", run(generate(Where.EVENTS, 950, SEED, writes, false)));
  }

  private void fuzz(Where where, int cases) {
    Rule good = WellBehavedRule.load(engine);
    int failed = 0;
    Map<String, Integer> endings = new TreeMap<>();
    for (int i = 0; i < cases; i++) {
      long seed = SEED * 1_000 + where.ordinal() * 100_000 + i;
      String ending = runCase(where, i, seed);
      endings.merge(ending, 1, Integer::sum);
      if (!ending.equals("committed")) {
        failed++;
      }
      if (i % 40 == 39) {
        WellBehavedRule.assertWorks(engine, good, "after case " + i + " of " + where);
      }
    }
    WellBehavedRule.assertWorks(engine, good, "after the " + where + " fuzz");
    System.out.println(where + ": " + cases + " cases: " + endings);
    // The fuzz must reach both outcomes, or it tests little.
    assertTrue(failed > cases / 10, where + ": only " + failed + " of " + cases + " cases failed");
    assertTrue(failed < cases - cases / 10, where + ": " + failed + " of " + cases + " failed");
  }

  // ---- one case ----

  /** A generated rule: its programs, the model's verdict on each call, and its module text. */
  private static final class Case {
    final long seed;
    final Where where;
    final String name;
    final RuleManifest manifest;
    final HostCallModel model;
    final List<Call> start = new ArrayList<>();
    final List<Result> startResults = new ArrayList<>();
    final List<Call> init = new ArrayList<>();
    final List<Result> initResults = new ArrayList<>();
    final List<Call> body = new ArrayList<>();
    final List<Result> bodyResults = new ArrayList<>();
    Ends initEnds;
    Ends bodyEnds;
    List<RuleAction> expectedActions;
    String wat;

    Case(long seed, Where where, String name, RuleManifest manifest, HostCallModel model) {
      this.seed = seed;
      this.where = where;
      this.name = name;
      this.manifest = manifest;
      this.model = model;
    }

    /** Runs a call through the model and records it; false once the rule's call has ended. */
    boolean add(List<Call> calls, List<Result> results, Call call) {
      Result result = model.call(call.fn(), call.args());
      calls.add(call);
      results.add(result);
      return !(result instanceof Ends);
    }

    String describe() {
      return "seed "
          + seed
          + " ("
          + where
          + ")\n  start: "
          + start
          + "\n  er_init: "
          + init
          + "\n  "
          + (where == Where.TICK ? "er_on_tick" : "er_on_events")
          + ": "
          + body
          + "\n  model: init "
          + (initEnds == null ? "ok" : initEnds)
          + ", call "
          + (bodyEnds == null ? "commits " + expectedActions : bodyEnds);
    }
  }

  /**
   * @param fixedBody the body's calls, or null for random ones
   * @param pagedMemory whether the rule's memory is Chicory's ByteArrayMemory, or null for random
   */
  private Case generate(
      Where where, int index, long seed, List<Call> fixedBody, Boolean pagedMemory) {
    SplittableRandom r = new SplittableRandom(seed);
    boolean paged = r.nextInt(4) == 0; // > 128 pages allowed: Chicory's ByteArrayMemory
    if (pagedMemory != null) {
      paged = pagedMemory;
    }
    String name = "fz-" + where.name().toLowerCase(Locale.ROOT) + "-" + index;
    RuleManifest manifest =
        manifest(
            "name: "
                + name
                + "\n"
                + HostCalls.GRANTS
                + (where == Where.TICK ? "tick: 1s\n" : "")
                + "limits: {"
                + HostCalls.LIMITS
                + (paged ? ", memory_pages: 200" : "")
                + "}\n");
    HostCallModel model =
        new HostCallModel(
            manifest,
            manifest.limits().cappedBy(hostCaps()),
            NOW.toEpochMilli(),
            HostCalls.memory(PAGE));
    Case c = new Case(seed, where, name, manifest, model);
    int[] hostility = {5, 20, 45};
    HostCalls.Generator g = new HostCalls.Generator(r, PAGE, hostility[r.nextInt(3)]);

    List<Call> fuzzInit = where == Where.START ? c.start : c.init;
    List<Result> fuzzInitResults = where == Where.START ? c.startResults : c.initResults;
    boolean going = true;
    if (where == Where.INIT || where == Where.START) {
      int n = 1 + r.nextInt(6);
      for (int k = 0; k < n && going; k++) {
        going =
            c.add(fuzzInit, fuzzInitResults, g.next(true, model.pointCount(), model.topicCount()));
      }
      // Lookups that come after the fuzz calls, with whatever ids those left.
    }
    Call[] resolve = {
      HostCalls.call("point_id", HostCalls.TANK_LEVEL.address(), HostCalls.TANK_LEVEL.length()),
      HostCalls.call("point_id", HostCalls.PUMP_OUT.address(), HostCalls.PUMP_OUT.length()),
      HostCalls.call("topic_id", HostCalls.STATUS.address(), HostCalls.STATUS.length()),
      HostCalls.call("topic_id", HostCalls.ALARM_X.address(), HostCalls.ALARM_X.length())
    };
    for (int k = 0; k < resolve.length && going; k++) {
      going = c.add(c.init, c.initResults, resolve[k]);
    }
    if (!going) {
      List<Result> all = new ArrayList<>(c.startResults);
      all.addAll(c.initResults);
      c.initEnds = (Ends) all.get(all.size() - 1);
    } else {
      c.model.endInit();
      if (where != Where.TICK) {
        c.model.deliver(BATCH, BUFFER_AT);
      }
      if (where == Where.EVENTS || where == Where.TICK) {
        List<Call> calls = fixedBody != null ? fixedBody : r.nextInt(8) == 0 ? g.burst() : null;
        int n = calls != null ? calls.size() : 1 + r.nextInt(10);
        for (int k = 0; k < n && going; k++) {
          Call call =
              calls != null ? calls.get(k) : g.next(false, model.pointCount(), model.topicCount());
          going = c.add(c.body, c.bodyResults, call);
        }
      }
      if (going) {
        c.expectedActions = c.model.commit();
      } else {
        c.bodyEnds = (Ends) c.bodyResults.get(c.bodyResults.size() - 1);
      }
    }
    c.wat = module(c, paged);
    return c;
  }

  /** Runs one case; returns how it ended: "committed", or the failed function and kind. */
  private String runCase(Where where, int index, long seed) {
    return run(generate(where, index, seed, null, null));
  }

  private String run(Case c) {
    Where where = c.where;
    byte[] wasm = Wat.compile(c.wat);
    Rule rule;
    try {
      rule = engine.load(c.name, wasm, c.manifest);
    } catch (RuleLoadException e) {
      if (c.initEnds == null) {
        fail("the load was refused: " + e.getMessage() + "\n" + c.describe() + decode(e), e);
      }
      assertMessageNames(c.initEnds, e.getMessage(), c);
      assertTrue(
          engine.rules().stream().noneMatch(x -> x.name().equals(c.name)),
          "a refused rule stays out of the engine\n" + c.describe());
      return "load refused (" + c.initEnds.fn() + ")";
    } catch (Throwable t) {
      throw new AssertionError("load threw " + t + "\n" + c.describe(), t);
    }
    try {
      if (c.initEnds != null) {
        fail("the load should have been refused\n" + c.describe());
      }
      RuleOutcome out;
      try {
        out = where == Where.TICK ? engine.tick(rule) : engine.evaluate(rule, BATCH);
      } catch (Throwable t) {
        throw new AssertionError("the call threw " + t + "\n" + c.describe(), t);
      }
      assertFalse(Thread.currentThread().isInterrupted(), c.describe());
      if (c.bodyEnds == null) {
        Committed done =
            assertInstanceOf(Committed.class, out, () -> out + decode(out) + "\n" + c.describe());
        assertEquals(c.expectedActions, done.actions(), c.describe());
      } else {
        Failed f = assertInstanceOf(Failed.class, out, () -> out + "\n" + c.describe());
        assertTrue(
            c.bodyEnds.kinds().contains(f.kind()),
            "kind " + f.kind() + ": " + f.message() + decode(out) + "\n" + c.describe());
        assertMessageNames(c.bodyEnds, f.message(), c);
        assertEquals(1, rule.faultCount(), c.describe());
      }
      assertEquals(hex(c.model.state()), hex(rule.state()), "committed state\n" + c.describe());
      return out instanceof Failed f ? c.bodyEnds.fn() + " " + f.kind() : "committed";
    } finally {
      engine.unload(rule);
    }
  }

  /** A failure's message says what was wrong: the gw function, or the limit. */
  private static void assertMessageNames(Ends ends, String message, Case c) {
    assertFalse(message == null || message.isBlank(), "empty message\n" + c.describe());
    assertTrue(
        message.length() < 1_000 && message.chars().noneMatch(Character::isISOControl),
        "one line of bounded length: " + message + "\n" + c.describe());
    boolean names =
        message.contains("gw." + ends.fn() + ":")
            || message.contains("gw." + ends.fn() + " called during er_init")
            || ends.kinds().contains(FailureKind.LIMIT) && message.contains("(limits.");
    assertTrue(
        names, "message '" + message + "' does not name gw." + ends.fn() + "\n" + c.describe());
  }

  private static final Pattern STATUS = Pattern.compile("returned status (-?\\d+)");

  /** Decodes a generated rule's mismatch report: which call answered what. */
  private static String decode(Object outcome) {
    String text = outcome instanceof Failed f ? f.message() : String.valueOf(outcome);
    if (outcome instanceof Throwable t) {
      text = t.getMessage();
    }
    Matcher m = STATUS.matcher(text == null ? "" : text);
    if (!m.find()) {
      return "";
    }
    int status = Integer.parseInt(m.group(1));
    return " [call #" + ((status >>> 16) - 1) + " answered " + (short) status + "]";
  }

  // ---- the module ----

  private static String module(Case c, boolean paged) {
    StringBuilder s = new StringBuilder("(module\n  ");
    s.append(HostCalls.IMPORTS).append("\n  ");
    s.append(paged ? "(memory (export \"memory\") 1)" : "(memory (export \"memory\") 1 1)");
    s.append("\n  ").append(HostCalls.dataSegments(PAGE));
    s.append("(global $bad (mut i32) (i32.const 0))\n  ");
    s.append(Wat.MARKER).append("\n  ").append(Wat.BUFFER).append("\n  ");
    if (c.where == Where.START) {
      s.append("(func $start (local $r i32) ")
          .append(program(c.start, c.startResults, true))
          .append(")\n  (start $start)\n  ");
    }
    s.append("(func (export \"er_init\") (result i32) (local $r i32)")
        .append(" (if (global.get $bad) (then (return (global.get $bad)))) ")
        .append(program(c.init, c.initResults, false))
        .append(" (i32.const 0))\n  ");
    String body = program(c.body, c.bodyResults, false);
    s.append("(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)")
        .append(" (local $r i32) ")
        .append(c.where == Where.EVENTS ? body : "")
        .append(" (i32.const 0))\n  ");
    if (c.where == Where.TICK) {
      s.append("(func (export \"er_on_tick\") (result i32) (local $r i32) ")
          .append(body)
          .append(" (i32.const 0))\n  ");
    }
    return s.append(")").toString();
  }

  /** The calls as WAT: each status is checked against the model's; a mismatch is reported. */
  private static String program(List<Call> calls, List<Result> results, boolean inStart) {
    StringBuilder s = new StringBuilder();
    for (int k = 0; k < calls.size(); k++) {
      Call call = calls.get(k);
      int tag = (k + 1) << 16;
      String report =
          inStart
              ? "(global.set $bad (i32.or (i32.const "
                  + tag
                  + ") (i32.and (local.get $r)"
                  + " (i32.const 65535)))) (return)"
              : "(return (i32.or (i32.const "
                  + tag
                  + ") (i32.and (local.get $r) (i32.const 65535))))";
      if (call.fn().equals("log")) {
        s.append(call.wat());
      } else if (!(results.get(k) instanceof Returned returned)) {
        s.append("(drop ").append(call.wat()).append(")"); // ends the call: nothing after it
      } else if (call.fn().equals("now_ms")) {
        s.append("(local.set $r (i32.const 0)) (if (i64.ne ")
            .append(call.wat())
            .append(" (i64.const ")
            .append(returned.value())
            .append(")) (then ")
            .append(report)
            .append("))");
      } else {
        s.append("(local.set $r ")
            .append(call.wat())
            .append(") (if (i32.ne (local.get $r) (i32.const ")
            .append((int) returned.value())
            .append(")) (then ")
            .append(report)
            .append("))");
      }
      s.append("\n    ");
    }
    return s.toString();
  }

  private static Map<String, String> hex(Map<String, byte[]> state) {
    Map<String, String> out = new TreeMap<>();
    state.forEach((k, v) -> out.put(k, HexFormat.of().formatHex(v)));
    return out;
  }
}
