package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rule-provided length never makes the host allocate: lengths up to 2^31-1 (and "negative" ones)
 * passed to state_put, publish, log and alarm_raise fail at once with ABI (outside memory) or LIMIT
 * (beyond state_bytes / max_action_bytes), before anything is copied, also when the rule's memory
 * (8 MiB, flat or paged) really holds that many bytes. Measured as the bytes the calling thread
 * allocates during the call: copying the value would allocate 8 MiB.
 */
class HostCallHugeLengthTest extends EngineFixture {
  private static final int EIGHT_MIB = 8 << 20;

  /** Well below the 8 MiB a copy of the argument would take. */
  private static final long MAX_ALLOCATED = 2 << 20;

  @Override
  protected RuleLimits hostCaps() {
    return RuleLimits.defaults()
        .with(RuleLimit.DEADLINE, Duration.ofSeconds(10))
        .with(RuleLimit.INIT_DEADLINE, Duration.ofSeconds(10))
        .with(RuleLimit.MEMORY_PAGES, 256);
  }

  private static final String[] MEMORIES = {
    "(memory (export \"memory\") 128 128)", // flat
    "(memory (export \"memory\") 129 200)" // Chicory's ByteArrayMemory
  };

  private record Case(String call, FailureKind kind, String says) {}

  private static final Case[] CASES = {
    new Case(
        "(call $state_put (i32.const 0) (i32.const 1) (i32.const 64) (i32.const 8388544))",
        FailureKind.LIMIT,
        "limits.state_bytes"),
    new Case(
        "(call $state_put (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 2147483647))",
        FailureKind.ABI,
        "gw.state_put: value at 0 (+2147483647 bytes) lies outside linear memory"),
    new Case(
        "(call $publish (global.get $topic) (i32.const 64) (i32.const 8388544) (i32.const 0))",
        FailureKind.LIMIT,
        "limits.max_action_bytes"),
    new Case(
        "(call $publish (global.get $topic) (i32.const 0) (i32.const 2147483647) (i32.const 0))",
        FailureKind.ABI,
        "gw.publish: payload at 0 (+2147483647 bytes) lies outside linear memory"),
    new Case(
        "(call $publish (global.get $topic) (i32.const 64) (i32.const -1) (i32.const 0))",
        FailureKind.ABI,
        "gw.publish: payload at 64 (+4294967295 bytes) lies outside linear memory"),
    new Case(
        "(call $log (i32.const 2) (i32.const 64) (i32.const 8388544)) (i32.const 0)",
        FailureKind.LIMIT,
        "limits.max_action_bytes"),
    new Case(
        "(call $log (i32.const 2) (i32.const -2147483648) (i32.const 2147483647)) (i32.const 0)",
        FailureKind.ABI,
        "gw.log: message at 2147483648 (+2147483647 bytes) lies outside linear memory"),
    new Case(
        "(call $alarm_raise (i32.const 16) (i32.const 8) (i32.const 500) (i32.const 64)"
            + " (i32.const 8388544))",
        FailureKind.LIMIT,
        "limits.max_action_bytes"),
  };

  private static String rule(String memory, String body) {
    return "(module\n  "
        + HostCalls.IMPORTS
        + "\n  "
        + memory
        + "\n  (data (i32.const 0) \"k\") (data (i32.const 16) \"overtemp\")"
        + " (data (i32.const 32) \"status\")\n  "
        + Wat.MARKER
        + "\n  "
        + Wat.BUFFER
        + "\n  (global $topic (mut i32) (i32.const -1))"
        + "\n  (func (export \"er_init\") (result i32)"
        + " (global.set $topic (call $topic_id (i32.const 32) (i32.const 6))) (i32.const 0))"
        + "\n  (func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32) "
        + body
        + "))";
  }

  private static final RuleManifest MANIFEST =
      manifest(
          "name: huge\ninputs: ['tank/#']\nwritable_points: [pump/out]\ntopics: [status]\n"
              + "alarms: [overtemp]\n"
              + "limits: {deadline: 10s, memory_pages: 200}\n");

  @Test
  void hugeLengthsFailBeforeTheHostCopiesAnything() {
    com.sun.management.ThreadMXBean threads = threads();
    for (String memory : MEMORIES) {
      for (Case c : CASES) {
        String wat = rule(memory, "(drop " + c.call() + ") (i32.const 0)");
        if (c.call().startsWith("(call $log")) {
          wat = rule(memory, c.call());
        }
        Rule rule = engine.load("huge", Wat.compile(wat), MANIFEST);
        try {
          long before = threads.getCurrentThreadAllocatedBytes();
          RuleOutcome out = engine.evaluate(rule, List.of(Events.f64("tank/level", 1)));
          long allocated = threads.getCurrentThreadAllocatedBytes() - before;
          String input = c.call() + " with " + memory;
          Failed f = assertInstanceOf(Failed.class, out, () -> out + ": " + input);
          assertEquals(c.kind(), f.kind(), f.message() + ": " + input);
          assertTrue(f.message().contains(c.says()), f.message() + ": " + input);
          assertTrue(
              allocated < MAX_ALLOCATED, input + " made the host allocate " + allocated + " bytes");
          assertTrue(rule.state().isEmpty(), input);
        } finally {
          engine.unload(rule);
        }
      }
    }
  }

  @Test
  void aNegativeValueLengthIsInvalidAndAHugeCapacityCopiesOnlyTheValue() {
    // state_put with val_len -1 answers ERR_INVALID; state_get with a capacity of 2^31-1 copies
    // the value's 4 bytes (not 2^31-1) and answers its length.
    String body =
        "(if (i32.ne (call $state_put (i32.const 0) (i32.const 1) (i32.const 64) (i32.const -1))"
            + " (i32.const -1)) (then (return (i32.const 1))))"
            + " (i32.store (i32.const 64) (i32.const 0x01020304))"
            + " (if (call $state_put (i32.const 0) (i32.const 1) (i32.const 64) (i32.const 4))"
            + " (then (return (i32.const 2))))"
            + " (if (i32.ne (call $state_get (i32.const 0) (i32.const 1) (i32.const 8388604)"
            + " (i32.const 2147483647)) (i32.const 4)) (then (return (i32.const 3))))"
            + " (if (i32.ne (i32.load (i32.const 8388604)) (i32.const 0x01020304))"
            + " (then (return (i32.const 4))))"
            + " (i32.const 0)";
    Rule rule = engine.load("huge", Wat.compile(rule(MEMORIES[0], body)), MANIFEST);
    RuleOutcome out = engine.evaluate(rule, List.of(Events.f64("tank/level", 1)));
    assertEquals(new Committed(List.of()), out);
    assertEquals(1, rule.state().size());
  }

  private static com.sun.management.ThreadMXBean threads() {
    assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs HotSpot's per-thread allocation counter");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported());
    threads.setThreadAllocatedMemoryEnabled(true);
    return threads;
  }
}
