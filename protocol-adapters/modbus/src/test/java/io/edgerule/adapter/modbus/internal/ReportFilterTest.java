package io.edgerule.adapter.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportFilterTest {
  private final Map<String, ReportFilter> filters = new HashMap<>(); // one per point, as a poller

  private boolean offer(
      String point, double deadband, PointValue value, Quality quality, boolean integrity) {
    return filters
        .computeIfAbsent(point, p -> new ReportFilter())
        .offer(deadband, value, quality, integrity);
  }

  @Test
  void firstValueIsAlwaysReported() {
    assertTrue(offer("t", 5, PointValue.of(1.0), Quality.GOOD, false));
  }

  @Test
  void changesWithinTheDeadbandAreSuppressedAgainstTheLastReportedValue() {
    offer("t", 0.5, PointValue.of(20.0), Quality.GOOD, false);
    assertFalse(offer("t", 0.5, PointValue.of(20.3), Quality.GOOD, false));
    assertFalse(offer("t", 0.5, PointValue.of(20.5), Quality.GOOD, false)); // not beyond
    // creeping: 20.3, 20.5, 20.6 -- measured against 20.0, the last *reported*
    assertTrue(offer("t", 0.5, PointValue.of(20.6), Quality.GOOD, false));
    assertFalse(offer("t", 0.5, PointValue.of(20.2), Quality.GOOD, false));
    assertTrue(offer("t", 0.5, PointValue.of(20.0), Quality.GOOD, false));
  }

  @Test
  void zeroDeadbandReportsEveryChangeAndNoRepeat() {
    offer("n", 0, PointValue.of(7L), Quality.GOOD, false);
    assertFalse(offer("n", 0, PointValue.of(7L), Quality.GOOD, false));
    assertTrue(offer("n", 0, PointValue.of(8L), Quality.GOOD, false));
    offer("b", 0, PointValue.of(true), Quality.GOOD, false);
    assertTrue(offer("b", 0, PointValue.of(false), Quality.GOOD, false));
  }

  @Test
  void qualityChangesAreReportedOnceEach() {
    offer("t", 10, PointValue.of(1.0), Quality.GOOD, false);
    assertTrue(offer("t", 10, null, Quality.bad("timeout after 1000 ms"), false));
    assertFalse(offer("t", 10, null, Quality.bad("timeout after 1000 ms"), false));
    assertTrue(offer("t", 10, null, Quality.bad("connection refused by h:502"), false));
    assertTrue(offer("t", 10, PointValue.of(1.0), Quality.GOOD, false)); // GOOD again
  }

  @Test
  void integrityReportsRegardless() {
    offer("t", 10, PointValue.of(1.0), Quality.GOOD, false);
    assertTrue(offer("t", 10, PointValue.of(1.0), Quality.GOOD, true));
    assertTrue(offer("t", 10, null, Quality.bad("x"), false));
    assertTrue(offer("t", 10, null, Quality.bad("x"), true));
  }

  @Test
  void nanIsAChangeOnceNotForever() {
    offer("f", 0.1, PointValue.of(1.0), Quality.GOOD, false);
    assertTrue(offer("f", 0.1, PointValue.of(Double.NaN), Quality.GOOD, false));
    assertFalse(offer("f", 0.1, PointValue.of(Double.NaN), Quality.GOOD, false));
    assertTrue(offer("f", 0.1, PointValue.of(1.0), Quality.GOOD, false));
  }
}
