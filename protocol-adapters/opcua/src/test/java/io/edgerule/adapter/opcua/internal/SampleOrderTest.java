package io.edgerule.adapter.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.opcua.internal.SampleOrder.Stamp;
import java.time.Instant;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;

class SampleOrderTest {
  static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

  static Stamp at(long sourceMillis, long serverMillis) {
    return new Stamp(T.plusMillis(sourceMillis), T.plusMillis(serverMillis));
  }

  @Test
  void theReportedSequenceDeliversEachValueOnce() {
    // 2338, 2339, 2338, 2339 with identical source times: the second pair is a re-delivery.
    SampleOrder<String> order = new SampleOrder<>();
    assertTrue(order.admit("counter", at(0, 1)));
    assertTrue(order.admit("counter", at(100, 101)));
    assertFalse(order.admit("counter", at(0, 1)), "older: dropped");
    assertFalse(order.admit("counter", at(100, 101)), "the same again: dropped");
    assertTrue(order.admit("counter", at(200, 201)));
  }

  @Test
  void eachMonitoredItemHasItsOwnOrder() {
    SampleOrder<String> order = new SampleOrder<>();
    assertTrue(order.admit("a", at(100, 100)));
    assertTrue(order.admit("b", at(0, 0)), "b's first sample is older than a's: still delivered");
    assertFalse(order.admit("b", at(0, 0)));
    assertTrue(order.admit("a", at(200, 200)));
  }

  @Test
  void sameSourceTimeIsOrderedByServerTime() {
    SampleOrder<String> order = new SampleOrder<>();
    assertTrue(order.admit("x", at(0, 10)));
    assertTrue(order.admit("x", at(0, 20)), "same source time, later server time: news");
    assertFalse(order.admit("x", at(0, 15)));
    assertFalse(order.admit("x", new Stamp(T, null)), "same source time, no server time");
  }

  @Test
  void withoutSourceTimesTheServerTimeOrders() {
    SampleOrder<String> order = new SampleOrder<>();
    assertTrue(order.admit("x", new Stamp(null, T.plusMillis(10))));
    assertFalse(order.admit("x", new Stamp(null, T.plusMillis(10))));
    assertFalse(order.admit("x", new Stamp(null, T.plusMillis(5))));
    assertTrue(order.admit("x", new Stamp(null, T.plusMillis(11))));
  }

  @Test
  void notificationsWithoutTimesCannotBeOrderedAndPass() {
    SampleOrder<String> order = new SampleOrder<>();
    assertTrue(order.admit("x", new Stamp(null, null)));
    assertTrue(order.admit("x", new Stamp(null, null)));
  }

  @Test
  void aNewSessionStartsFresh() {
    SampleOrder<String> order = new SampleOrder<>();
    assertTrue(order.admit("x", at(100, 100)));
    order.clear();
    assertTrue(order.admit("x", at(100, 100)), "the unchanged value read by the new session");
  }

  @Test
  void stampsComeFromTheDataValue() {
    DateTime source = new DateTime(T);
    DateTime server = new DateTime(T.plusMillis(3));
    DataValue v = new DataValue(new Variant(1), StatusCode.GOOD, source, server);
    SampleOrder<String> order = new SampleOrder<>();
    assertTrue(order.admit("x", Stamp.of(v)));
    assertFalse(order.admit("x", Stamp.of(v)));
    DataValue noTimes = new DataValue(new Variant(1), StatusCode.GOOD, null, null);
    assertTrue(order.admit("y", Stamp.of(noTimes)));
  }
}
