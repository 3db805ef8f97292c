package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.sandbox.RuleOutcome.Committed;
import io.edgerule.sandbox.RuleOutcome.Failed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Persistent state (gw.state_get / gw.state_put), its limit and persistence; the action rate. */
class RuleStateTest extends EngineFixture {
  @TempDir Path stateDir;

  private static final List<PointEvent> TWO =
      List.of(Events.f64("tank/level", 1), Events.f64("tank/level", 2));

  static long reported(RuleOutcome out) {
    Committed c = assertInstanceOf(Committed.class, out, out::toString);
    RuleAction.WritePoint w = assertInstanceOf(RuleAction.WritePoint.class, c.actions().get(0));
    return ((PointValue.Int64) w.value()).value();
  }

  static long counter(Rule rule) {
    byte[] n = rule.state().get("n");
    return n == null ? 0 : ByteBuffer.wrap(n).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  @Test
  void stateSurvivesBatchesAndAFailedBatchCommitsNothing() {
    Rule rule = load(StatefulRules.counter(1), StatefulRules.manifest("c"));
    assertEquals(2, reported(engine.evaluate(rule, TWO)));
    assertEquals(4, reported(engine.evaluate(rule, TWO)));
    // Puts 5, then traps: the put is discarded with the batch.
    Failed f =
        assertInstanceOf(
            Failed.class, engine.evaluate(rule, List.of(Events.f64("tank/level", 500))));
    assertEquals(FailureKind.TRAP, f.kind());
    assertEquals(4, counter(rule), "the failed batch's state_put is not committed");
    assertEquals(6, reported(engine.evaluate(rule, TWO)), "a fresh instance reads the state");
  }

  @Test
  void stateIsSavedAtomicallyAndRestoredAfterARestart() throws Exception {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
    try {
      try (RuleEngine first =
          new RuleEngine(RuleLimits.defaults(), s, clock(), RuleStateStore.directory(stateDir))) {
        Rule rule = first.load("c", StatefulRules.counter(1), StatefulRules.manifest("c"));
        first.evaluate(rule, TWO);
        first.evaluate(rule, TWO);
      }
      Path file = stateDir.resolve("rules/c/state.bin");
      assertTrue(Files.isRegularFile(file), "state file at " + file);
      assertTrue(Files.notExists(file.resolveSibling("state.bin.tmp")), "no temp file left");
      try (RuleEngine second =
          new RuleEngine(RuleLimits.defaults(), s, clock(), RuleStateStore.directory(stateDir))) {
        Rule rule = second.load("c", StatefulRules.counter(1), StatefulRules.manifest("c"));
        assertEquals(4, counter(rule));
        assertEquals(6, reported(second.evaluate(rule, TWO)));
      }
      // A damaged file is reported, naming the file; nothing is half-read.
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length - 6] ^= 0x55;
      Files.write(file, bytes);
      try (RuleEngine third =
          new RuleEngine(RuleLimits.defaults(), s, clock(), RuleStateStore.directory(stateDir))) {
        RuleLoadException e =
            assertThrows(
                RuleLoadException.class,
                () -> third.load("c", StatefulRules.counter(1), StatefulRules.manifest("c")));
        assertTrue(
            e.getMessage().contains("state.bin is damaged: checksum mismatch"), e::getMessage);
      }
    } finally {
      s.shutdownNow();
    }
  }

  @Test
  void stateBeyondItsLimitFailsTheBatch() {
    Rule rule = load(StatefulRules.counter(1), StatefulRules.manifest("c", "state_bytes: 8"));
    Failed f = assertInstanceOf(Failed.class, engine.evaluate(rule, TWO));
    assertEquals(FailureKind.LIMIT, f.kind());
    assertEquals(
        "gw.state_put: state would grow to 9 bytes; the limit is 8 (limits.state_bytes)",
        f.message());
    assertTrue(rule.state().isEmpty());
  }

  @Test
  void stateImportsNeedAStateLimit() {
    RuleLoadException e =
        assertThrows(
            RuleLoadException.class,
            () -> load(StatefulRules.counter(1), StatefulRules.manifest("c", "state_bytes: 0")));
    assertTrue(
        e.getMessage().contains("imports gw.state_get but limits.state_bytes is 0"), e::getMessage);
  }

  @Test
  void theActionRateIsATokenBucketOverBatches() {
    MutableClock clock = new MutableClock(Events.T0);
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
    try (RuleEngine e = new RuleEngine(RuleLimits.defaults(), s, clock)) {
      Rule rule =
          e.load(
              "c",
              StatefulRules.counter(1),
              StatefulRules.manifest("c", "actions_per_second: 3", "quarantine_after: 100"));
      for (int i = 1; i <= 3; i++) {
        assertEquals(2 * i, reported(e.evaluate(rule, TWO)), "batch " + i + " within the rate");
      }
      Failed f = assertInstanceOf(Failed.class, e.evaluate(rule, TWO));
      assertEquals(FailureKind.LIMIT, f.kind());
      assertEquals(
          "1 actions exceed the rule's rate of 3 per second (limits.actions_per_second);"
              + " none committed",
          f.message());
      assertEquals(6, counter(rule), "the refused batch's state is not committed either");
      clock.advance(Duration.ofMillis(400)); // 1.2 tokens back
      assertEquals(8, reported(e.evaluate(rule, TWO)));
    } finally {
      s.shutdownNow();
    }
  }

  @Test
  void stateFilesRoundTrip() throws Exception {
    RuleStateStore store = RuleStateStore.directory(stateDir);
    store.save("r", java.util.Map.of("a", new byte[] {1, 2}, "é", new byte[] {3}));
    var back = store.load("r");
    assertArrayEquals(new byte[] {1, 2}, back.get("a"));
    assertArrayEquals(new byte[] {3}, back.get("é"));
    assertTrue(store.load("none").isEmpty());
  }
}
