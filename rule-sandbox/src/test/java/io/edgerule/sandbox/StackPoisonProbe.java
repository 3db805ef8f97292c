package io.edgerule.sandbox;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Run in a fresh JVM by {@link HostCallStackExhaustionTest} (a class that failed to initialise
 * stays broken for the life of its JVM, and the test JVM has initialised most classes long ago).
 * For each gw function, a rule recurses to just short of the stack limit and then calls it: the
 * depth is swept from too deep (the recursion itself overflows) upwards one frame at a time, so the
 * host call is first made with almost no stack left. Then a well-behaved rule must still write,
 * publish and raise. Prints one line per function; exit 0 if nothing escaped the engine and the
 * good rule works.
 */
final class StackPoisonProbe {
  private static final String[] FUNCTIONS = {
    "none",
    "write_bool",
    "write_i64",
    "write_f64",
    "publish",
    "alarm_raise",
    "alarm_clear",
    "log",
    "now_ms",
    "state_get",
    "state_put",
    "point_name"
  };

  private static final String GRANTS =
      "inputs: ['tank/#']\nwritable_points: [tank/out]\ntopics: [status]\nalarms: [hot]\n"
          + "limits: {deadline: 10s, init_deadline: 10s, quarantine_after: 1000000}\n";

  private StackPoisonProbe() {}

  public static void main(String[] args) throws Exception {
    Throwable[] escaped = new Throwable[1];
    // The daemon's rule threads have 1 MiB stacks (limits.stack_kib).
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                probe();
              } catch (Throwable e) {
                escaped[0] = e;
              }
            },
            "rule-probe",
            1024 * 1024);
    t.start();
    t.join();
    if (escaped[0] != null) {
      System.out.println("ESCAPED " + escaped[0]);
      escaped[0].printStackTrace(System.out);
      System.exit(1);
    }
    System.exit(0);
  }

  static String wat() {
    StringBuilder dispatch = new StringBuilder();
    String[] calls = {
      "",
      "(drop (call $write_bool (global.get $out) (i32.const 1)))",
      "(drop (call $write_i64 (global.get $out) (i64.const 1)))",
      "(drop (call $write_f64 (global.get $out) (f64.const 1)))",
      "(drop (call $publish (global.get $topic) (i32.const 16) (i32.const 6) (i32.const 0)))",
      "(drop (call $alarm_raise (i32.const 32) (i32.const 3) (i32.const 1) (i32.const 0)"
          + " (i32.const 0)))",
      "(drop (call $alarm_clear (i32.const 32) (i32.const 3)))",
      "(call $log (i32.const 2) (i32.const 16) (i32.const 6))",
      "(drop (call $now_ms))",
      "(drop (call $state_get (i32.const 32) (i32.const 3) (i32.const 256) (i32.const 8)))",
      "(drop (call $state_put (i32.const 32) (i32.const 3) (i32.const 16) (i32.const 6)))",
      "(drop (call $point_name (global.get $out) (i32.const 256) (i32.const 64)))"
    };
    for (int i = 1; i < calls.length; i++) {
      dispatch
          .append("(if (i32.eq (local.get $fn) (i32.const ")
          .append(i)
          .append(")) (then ")
          .append(calls[i])
          .append("))\n");
    }
    return "(module\n  "
        + HostCalls.IMPORTS
        + "\n  (memory (export \"memory\") 1 1)"
        + "\n  (data (i32.const 0) \"tank/out\") (data (i32.const 16) \"status\")"
        + " (data (i32.const 32) \"hot\")\n  "
        + Wat.MARKER
        + "\n  "
        + Wat.BUFFER
        + "\n  (global $out (mut i32) (i32.const -1)) (global $topic (mut i32) (i32.const -1))"
        + "\n  (func (export \"er_init\") (result i32)"
        + " (global.set $out (call $point_id (i32.const 0) (i32.const 8)))"
        + " (global.set $topic (call $topic_id (i32.const 16) (i32.const 6))) (i32.const 0))"
        + "\n  (func $down (param $d i32) (param $fn i32)"
        + " (if (local.get $d) (then (call $down (i32.sub (local.get $d) (i32.const 1))"
        + " (local.get $fn)) (return)))\n"
        + dispatch
        + ")"
        + "\n  (func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
        + " (local $v i32) (local.set $v (i32.trunc_f64_u (f64.load offset=8 (local.get $ptr))))"
        + " (call $down (i32.shr_u (local.get $v) (i32.const 4))"
        + " (i32.and (local.get $v) (i32.const 15)))"
        + " (i32.const 0)))";
  }

  private static RuleOutcome run(RuleEngine engine, Rule rule, int depth, int fn) {
    return engine.evaluate(rule, List.of(Events.f64("tank/level", depth * 16.0 + fn)));
  }

  private static boolean overflows(RuleOutcome out) {
    return out instanceof Failed f && f.kind() == FailureKind.RESOURCE;
  }

  /** The smallest depth whose plain recursion exhausts the stack. */
  private static int boundary(RuleEngine engine, Rule rule) {
    int low = 0;
    int high = 1 << 22;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (overflows(run(engine, rule, mid, 0))) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  private static void probe() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    RuleLimits caps =
        RuleLimits.defaults()
            .with(RuleLimit.DEADLINE, Duration.ofSeconds(10))
            .with(RuleLimit.INIT_DEADLINE, Duration.ofSeconds(10))
            .with(RuleLimit.QUARANTINE_AFTER, 1_000_000);
    try (RuleEngine engine = new RuleEngine(caps, scheduler, Clock.systemUTC())) {
      Rule deep =
          engine.load(
              "deep", Wat.compile(wat()), RuleManifest.parse("name: deep\n" + GRANTS, "deep.yaml"));
      // Let the JIT settle first: compiled frames are smaller, so the limit moves deeper.
      int settled = boundary(engine, deep);
      for (int i = 0; i < 20; i++) {
        int again = boundary(engine, deep);
        if (Math.abs(again - settled) <= 2) {
          break;
        }
        settled = again;
      }
      for (int fn = 1; fn < FUNCTIONS.length; fn++) {
        Map<String, Integer> outcomes = new TreeMap<>();
        int b = 0;
        // Sweep until the host call was reached right after a depth that still overflowed, i.e.
        // with less than one frame of stack to spare (retry if the limit moved meanwhile).
        boolean nearLimit = false;
        for (int attempt = 0; attempt < 5 && !nearLimit; attempt++) {
          b = boundary(engine, deep);
          boolean overflowed = false;
          int completed = 0;
          for (int d = b + 64; d >= 0 && completed < 32; d--) {
            RuleOutcome out = run(engine, deep, d, fn);
            String key =
                out instanceof Failed f
                    ? f.kind() + ": " + f.message()
                    : out.getClass().getSimpleName();
            outcomes.merge(key, 1, Integer::sum);
            if (overflows(out)) {
              overflowed = true;
            } else {
              nearLimit |= overflowed && completed == 0;
              completed++;
            }
          }
        }
        System.out.println(
            FUNCTIONS[fn]
                + " boundary "
                + b
                + (nearLimit ? " reached " : " NOT reached ")
                + outcomes);
      }
      Rule good =
          engine.load(
              "good",
              Wat.compile(goodWat()),
              RuleManifest.parse("name: good\n" + GRANTS, "good.yaml"));
      RuleOutcome out = engine.evaluate(good, List.of(Events.f64("tank/level", 1)));
      List<RuleAction> expected =
          List.of(
              new RuleAction.WritePoint(PointId.parse("tank/out"), PointValue.of(true)),
              new RuleAction.Publish("status", "status".getBytes(StandardCharsets.UTF_8), 0, false),
              new RuleAction.RaiseAlarm("hot", 1, ""));
      if (!new Committed(expected).equals(out)) {
        System.out.println("GOOD RULE BROKEN: " + out);
        System.exit(2);
      }
      System.out.println("GOOD RULE OK");
    } finally {
      scheduler.shutdownNow();
    }
  }

  private static String goodWat() {
    return "(module\n  "
        + HostCalls.IMPORTS
        + "\n  (memory (export \"memory\") 1 1)"
        + "\n  (data (i32.const 0) \"tank/out\") (data (i32.const 16) \"status\")"
        + " (data (i32.const 32) \"hot\")\n  "
        + Wat.MARKER
        + "\n  "
        + Wat.BUFFER
        + "\n  (global $out (mut i32) (i32.const -1)) (global $topic (mut i32) (i32.const -1))"
        + "\n  (func (export \"er_init\") (result i32)"
        + " (global.set $out (call $point_id (i32.const 0) (i32.const 8)))"
        + " (global.set $topic (call $topic_id (i32.const 16) (i32.const 6))) (i32.const 0))"
        + "\n  (func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
        + " (drop (call $write_bool (global.get $out) (i32.const 1)))"
        + " (drop (call $publish (global.get $topic) (i32.const 16) (i32.const 6) (i32.const 0)))"
        + " (drop (call $alarm_raise (i32.const 32) (i32.const 3) (i32.const 1) (i32.const 0)"
        + " (i32.const 0)))"
        + " (i32.const 0)))";
  }
}
