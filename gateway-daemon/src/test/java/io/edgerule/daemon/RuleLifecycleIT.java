package io.edgerule.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.rules.SwapTiming;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.daemon.testing.Wat;
import io.edgerule.sandbox.RuleAction;
import io.edgerule.sandbox.RuleLimit;
import io.edgerule.sandbox.RuleLimits;
import io.edgerule.sandbox.RuleManifest;
import io.edgerule.sandbox.RuleOutcome;
import io.edgerule.sandbox.ShadowReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap under load (every sequence number exactly once across versions), ticks (an offline
 * watchdog written in WAT) and shadow mode, in a real gateway fed by a push adapter.
 */
class RuleLifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  /** Outputs of one rule, in the order its batches committed them (the rule thread's order). */
  static final class Recorder implements GatewayListener {
    final String rule;
    final List<Long> events = new CopyOnWriteArrayList<>();
    final List<Long> written = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    Recorder(String rule) {
      this.rule = rule;
    }

    @Override
    public void onEvent(PointEvent event) {
      if (event.point().toString().equals("tank/level")) {
        events.add(event.sequence());
      }
    }

    @Override
    public void onRuleOutcome(
        String name, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
      if (!name.equals(rule)) {
        return;
      }
      if (outcome instanceof RuleOutcome.Committed c) {
        for (RuleAction a : c.actions()) {
          if (a instanceof RuleAction.WritePoint w) {
            written.add(((PointValue.Int64) w.value()).value());
          }
        }
      } else {
        failures.add(outcome.toString());
      }
    }
  }

  private Path rule(String name, String wat, String manifestYaml) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("rules"));
    Wat.compile(wat, dir.resolve(name + ".wasm"));
    Files.writeString(dir.resolve(name + ".yaml"), manifestYaml);
    return dir.resolve(name + ".wasm");
  }

  private Gateway start(PushAdapter.Factory push, GatewayListener listener, Path... wasms)
      throws Exception {
    return start(null, push, listener, wasms);
  }

  private Gateway start(
      RuleLimits ceilings, PushAdapter.Factory push, GatewayListener listener, Path... wasms)
      throws Exception {
    List<RuleConfig> rules = new ArrayList<>();
    for (Path wasm : wasms) {
      String file = wasm.getFileName().toString();
      rules.add(new RuleConfig(file.substring(0, file.length() - 5), wasm, null, true));
    }
    GatewayConfig config =
        new GatewayConfig(
            new GatewaySection("lifecycle-gw", tmp.resolve("state")),
            List.of(new PushAdapter.Device("tank")),
            rules,
            null,
            new PipelineConfig(100_000, 64, 2, Duration.ofSeconds(30)),
            ceilings);
    List<AdapterFactory<?>> factories = List.of(push);
    return Gateway.start(config, factories, listener, Clock.systemUTC());
  }

  private static final String ECHO_MANIFEST =
      "name: echo\ninputs: [tank/level]\nwritable_points: [tank/out]\n"
          + "limits: {deadline: 1s, actions_per_second: 100000}\n";

  private static String echo(String version) {
    return Wat.rule("", "(func (export \"" + version + "\"))\n" + Wat.ECHO_SEQUENCES);
  }

  private static byte[] wasm(Path dir, String name, String wat) throws Exception {
    return Files.readAllBytes(Wat.compile(wat, dir.resolve(name + ".wasm")));
  }

  @Test
  void hotSwapUnderLoadSeesEverySequenceNumberExactlyOnce() throws Exception {
    Path echoWasm = rule("echo", echo("v1"), ECHO_MANIFEST);
    Path versions = Files.createDirectories(tmp.resolve("versions"));
    byte[][] modules = {
      Files.readAllBytes(echoWasm),
      wasm(versions, "v2", echo("v2")),
      wasm(versions, "v3", echo("v3"))
    };
    RuleManifest manifest = RuleManifest.load(tmp.resolve("rules/echo.yaml"));
    PushAdapter.Factory push = new PushAdapter.Factory();
    Recorder recorder = new Recorder("echo");
    try (Gateway gw = start(push, recorder, echoWasm)) {
      PushAdapter tank = push.last;
      // Produces until every swap is done (it used to stop after 20,000 events, and on a loaded
      // machine the swaps, each compiling a module, did not all fit in that time).
      AtomicBoolean producing = new AtomicBoolean(true);
      AtomicInteger produced = new AtomicInteger();
      Thread producer =
          new Thread(
              () -> {
                // ~5,000 events/s: 25 every 5 ms; at most 90,000 (18 s), under the ingress
                // queue's 100,000, so none can be dropped even if the rule thread stalls.
                for (int i = 0; producing.get() && i < 90_000; i++) {
                  tank.push("level", i);
                  produced.incrementAndGet();
                  if (i % 25 == 24) {
                    LockSupport.parkNanos(5_000_000);
                  }
                }
              },
              "producer");
      producer.start();
      List<SwapTiming> timings = new ArrayList<>();
      Poll.until(() -> recorder.written.size() > 1000, WAIT, "the first events echoed");
      for (int swap = 1; swap <= 6; swap++) {
        byte[] next = modules[swap % 3];
        if (swap == 4) {
          // A precompiled module: a shadow of it keeps it in the compile cache.
          gw.startShadow("echo", next, manifest);
          timings.add(gw.swapRule("echo", next, manifest));
          gw.stopShadow("echo");
        } else {
          timings.add(gw.swapRule("echo", next, manifest));
        }
        int seen = recorder.written.size();
        Poll.until(() -> recorder.written.size() > seen + 500, WAIT, "events after swap " + swap);
      }
      producing.set(false);
      producer.join(WAIT.toMillis());
      int total = produced.get();
      Poll.until(
          () -> recorder.written.size() >= total, WAIT, "every event echoed by some version");
      assertEquals(List.of(), recorder.failures);
      assertEquals(total, recorder.events.size(), "events the gateway took");
      assertEquals(
          recorder.events, recorder.written, "each sequence number exactly once, in order");
      for (int i = 0; i < timings.size(); i++) {
        SwapTiming t = timings.get(i);
        System.out.printf(
            "swap %d: prepare %.2f ms%s, switch %.2f ms, total %.2f ms%n",
            i + 1,
            t.prepare().toNanos() / 1e6,
            i == 3 ? " (precompiled)" : "",
            t.switchover().toNanos() / 1e6,
            t.total().toNanos() / 1e6);
      }
      // No speed bounds here ("< 1 s" failed on a loaded 2-core machine): what a swap costs is
      // LoadBenchmark's hotSwap and instantiateCached; this test is about exactly-once delivery.
      assertEquals(1, gw.rules().size());
    }
  }

  @Test
  void aTickRuleRaisesItsOfflineFlagWhenDataStops() throws Exception {
    // Remembers now_ms at every batch; each tick reports 1 if nothing came for 2 s, else 0. (It was
    // 300 ms: a test thread descheduled that long on a loaded machine made the rule see an outage.)
    String wat =
        Wat.rule(
            "(import \"gw\" \"now_ms\" (func $now (result i64)))",
            "(global $last (mut i64) (i64.const 0))\n"
                + "(func (export \"er_on_events\") (param i32 i32) (result i32)"
                + " (global.set $last (call $now)) (i32.const 0))\n"
                + "(func (export \"er_on_tick\") (result i32)"
                + " (if (i64.eqz (global.get $last)) (then (return (i32.const 0))))"
                + " (drop (call $write_i64 (global.get $out) (i64.extend_i32_u"
                + "   (i64.gt_s (i64.sub (call $now) (global.get $last)) (i64.const 2000)))))"
                + " (i32.const 0))");
    Path wasm =
        rule(
            "watchdog",
            wat,
            "name: watchdog\ninputs: [tank/level]\nwritable_points: [tank/out]\ntick: 50ms\n");
    PushAdapter.Factory push = new PushAdapter.Factory();
    Recorder recorder = new Recorder("watchdog");
    try (Gateway gw = start(push, recorder, wasm)) {
      PushAdapter tank = push.last;
      // Counts ticks, not time: "5 ticks in 600 ms" failed on a loaded machine whose scheduler
      // ran the 50 ms tick late; with ticks broken none come at all and this times out.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (recorder.written.size() < 5) {
        assertTrue(System.nanoTime() < deadline, "5 ticks while data flows: " + recorder.written);
        tank.push("level", 1);
        LockSupport.parkNanos(20_000_000); // a live feed's pace, not a wait for something
      }
      assertTrue(
          recorder.written.stream().allMatch(v -> v == 0),
          "online while data flows " + recorder.written);
      Poll.until(() -> recorder.written.contains(1L), WAIT, "offline reported after 2 s");
      assertEquals(List.of(), recorder.failures);
    }
  }

  @Test
  void aShadowCandidateIsComparedAndNeverWritesTheDevice() throws Exception {
    String manifestYaml =
        "name: level\ninputs: [tank/level]\nwritable_points: [tank/out]\nlimits: {deadline: 1s}\n";
    Path active = rule("level", threshold(50), manifestYaml);
    RuleManifest manifest = RuleManifest.load(tmp.resolve("rules/level.yaml"));
    Path versions = Files.createDirectories(tmp.resolve("versions"));
    PushAdapter.Factory push = new PushAdapter.Factory();
    Recorder recorder = new Recorder("level");
    try (Gateway gw = start(push, recorder, active)) {
      PushAdapter tank = push.last;
      gw.startShadow("level", Files.readAllBytes(active), manifest);
      double[] levels = {10, 45, 60, 45, 70, 30};
      for (double v : levels) {
        tank.push("level", v);
      }
      Poll.until(() -> recorder.written.size() == levels.length, WAIT, "active rule ran");
      Poll.until(
          () -> gw.shadowReport("level").orElseThrow().calls() >= 1, WAIT, "shadow compared");
      ShadowReport same = gw.stopShadow("level").orElseThrow();
      assertEquals(0, same.differed(), same::toString);
      assertEquals(same.calls(), same.matched());

      gw.startShadow("level", wasm(versions, "t40", threshold(40)), manifest);
      tank.writes.clear();
      recorder.written.clear();
      for (double v : levels) {
        tank.push("level", v);
      }
      Poll.until(() -> recorder.written.size() == levels.length, WAIT, "active rule ran again");
      Poll.until(
          () -> gw.shadowReport("level").orElseThrow().differed() >= 1,
          WAIT,
          "difference reported");
      ShadowReport diff = gw.stopShadow("level").orElseThrow();
      assertTrue(diff.differences().get(0).firstSequence() > 0, diff::toString);
      // Only the active version's answers reached the device: 1 for 60 and 70, 0 otherwise.
      Poll.until(() -> tank.writes.size() == levels.length, WAIT, "device writes");
      List<Long> deviceSaw =
          tank.writes.stream().map(w -> ((PointValue.Int64) w.value()).value()).toList();
      assertEquals(List.of(0L, 0L, 1L, 0L, 1L, 0L), deviceSaw);
    }
  }

  /** Adds {@code step} per event to the persistent counter "n" and writes it to tank/out. */
  private static String counter(int step) {
    return Wat.rule(
        "(import \"gw\" \"state_get\" (func $sget (param i32 i32 i32 i32) (result i32)))\n"
            + "(import \"gw\" \"state_put\" (func $sput (param i32 i32 i32 i32) (result i32)))",
        "(data (i32.const 16) \"n\")\n"
            + "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (if (i32.ne (call $sget (i32.const 16) (i32.const 1) (i32.const 32) (i32.const 8))"
            + "   (i32.const 8)) (then (i64.store (i32.const 32) (i64.const 0))))"
            + " (i64.store (i32.const 32) (i64.add (i64.load (i32.const 32))"
            + "   (i64.mul (i64.const "
            + step
            + ") (i64.extend_i32_u (local.get $count)))))"
            + " (drop (call $sput (i32.const 16) (i32.const 1) (i32.const 32) (i32.const 8)))"
            + " (drop (call $write_i64 (global.get $out) (i64.load (i32.const 32))))"
            + " (i32.const 0))");
  }

  @Test
  void ruleStateSurvivesARestartAndIsHandedOverAtAHotSwap() throws Exception {
    String yaml = "name: count\ninputs: [tank/level]\nwritable_points: [tank/out]\n";
    Path wasm = rule("count", counter(1), yaml);
    RuleManifest manifest = RuleManifest.load(tmp.resolve("rules/count.yaml"));
    byte[] byTen = wasm(Files.createDirectories(tmp.resolve("versions")), "ten", counter(10));
    for (int run = 1; run <= 2; run++) {
      PushAdapter.Factory push = new PushAdapter.Factory();
      Recorder recorder = new Recorder("count");
      try (Gateway gw = start(push, recorder, wasm)) {
        for (int i = 0; i < 3; i++) {
          push.last.push("level", i);
        }
        // Events may arrive in one batch or several: the last write is the count.
        long expected = run == 1 ? 3 : 6;
        Poll.until(() -> last(recorder) == expected, WAIT, "counted to " + expected);
        if (run == 2) {
          assertTrue(recorder.written.get(0) >= 4, "continued after a restart " + recorder.written);
          gw.swapRule("count", byTen, manifest);
          push.last.push("level", 9);
          Poll.until(() -> last(recorder) == 16, WAIT, "6 handed over, + 10 by the new version");
        }
      }
      assertTrue(Files.isRegularFile(tmp.resolve("state/rules/count/state.bin")));
    }
  }

  @Test
  void deepRecursionOnABoundedRuleThreadIsAResourceFaultAndTheGatewayKeepsRunning()
      throws Exception {
    Path deep =
        rule(
            "deep",
            Wat.rule(
                "",
                "(func $down (param i32) (result i32)"
                    + " (call $down (i32.add (local.get 0) (i32.const 1))))\n"
                    + "(func (export \"er_on_events\") (param i32 i32) (result i32)"
                    + " (drop (call $down (i32.const 0))) (i32.const 0))"),
            "name: deep\ninputs: [tank/level]\nwritable_points: [tank/out]\n"
                + "limits: {deadline: 5s, quarantine_after: 100}\n");
    Path echo = rule("echo", echo("v1"), ECHO_MANIFEST);
    RuleLimits smallStacks = RuleLimits.hostDefaults().with(RuleLimit.STACK_KIB, 256);
    PushAdapter.Factory push = new PushAdapter.Factory();
    Recorder deepOut = new Recorder("deep");
    Recorder echoOut = new Recorder("echo");
    GatewayListener both =
        new GatewayListener() {
          @Override
          public void onEvent(PointEvent event) {
            echoOut.onEvent(event);
          }

          @Override
          public void onRuleOutcome(
              String rule, List<PointEvent> batch, RuleOutcome outcome, Duration elapsed) {
            deepOut.onRuleOutcome(rule, batch, outcome, elapsed);
            echoOut.onRuleOutcome(rule, batch, outcome, elapsed);
          }
        };
    try (Gateway gw = start(smallStacks, push, both, deep, echo)) {
      for (int i = 0; i < 5; i++) {
        push.last.push("level", i);
        int n = i + 1;
        Poll.until(() -> deepOut.failures.size() >= n, WAIT, "deep recursion " + n + " contained");
      }
      assertTrue(
          deepOut.failures.stream()
              .allMatch(f -> f.contains("RESOURCE") && f.contains("exhausted the call stack")),
          deepOut.failures::toString);
      Poll.until(() -> echoOut.written.size() == 5, WAIT, "the other rule kept running");
      assertEquals(echoOut.events, echoOut.written);
      assertEquals(List.of(), echoOut.failures);
    }
  }

  private static long last(Recorder r) {
    List<Long> w = r.written;
    return w.isEmpty() ? -1 : w.get(w.size() - 1);
  }

  /** One write per event: 1 if its value is above {@code t}, else 0. */
  private static String threshold(double t) {
    return Wat.rule(
        "",
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (local $i i32)"
            + " (block $done (loop $next"
            + "   (br_if $done (i32.ge_u (local.get $i) (local.get $count)))"
            + "   (drop (call $write_i64 (global.get $out) (i64.extend_i32_u (f64.gt"
            + "     (f64.load offset=8 (i32.add (local.get $ptr)"
            + "       (i32.mul (local.get $i) (i32.const 32))))"
            + "     (f64.const "
            + t
            + ")))))"
            + "   (local.set $i (i32.add (local.get $i) (i32.const 1)))"
            + "   (br $next)))"
            + " (i32.const 0))");
  }
}
