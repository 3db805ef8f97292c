package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AlarmTableTest {
  @Test
  void aFullTableForgetsTheOldestClearedNameAndRefusesWhenAllAreActive() {
    AlarmTable t = new AlarmTable(2);
    assertTrue(t.raise("a"));
    assertTrue(t.raise("b"));
    assertFalse(t.raise("c"), "two active alarms: a third name is refused");
    assertFalse(t.clear("x"), "a clear of an unknown name needs room too");
    assertTrue(t.raise("a"), "raising a known name again is always fine");
    assertTrue(t.clear("a"));
    assertTrue(t.raise("c"), "c takes the place of a, which is cleared");
    assertEquals(Map.of("b", true, "c", true), t.snapshot());
    assertEquals(2, t.size());
  }

  @Test
  void theLogBudgetLetsThroughOneSecondsWorthThenCountsWhatItSuppressed() {
    AtomicLong now = new AtomicLong(0);
    LogBudget b = new LogBudget(3, now::get);
    assertEquals(0, b.take());
    assertEquals(0, b.take());
    assertEquals(0, b.take());
    assertEquals(-1, b.take());
    assertEquals(-1, b.take());
    now.addAndGet(400_000_000); // 0.4 s: 1.2 lines' worth
    assertEquals(2, b.take(), "the first line after the gap reports the two suppressed");
    assertEquals(-1, b.take());
    now.addAndGet(1_000_000_000_000L); // a long quiet spell fills the bucket, never beyond
    assertEquals(1, b.take());
    assertEquals(0, b.take());
    assertEquals(0, b.take());
    assertEquals(-1, b.take());
  }
}
