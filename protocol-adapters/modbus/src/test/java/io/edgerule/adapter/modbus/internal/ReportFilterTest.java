package io.edgerule.adapter.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import org.junit.jupiter.api.Test;

class ReportFilterTest {
  private final ReportFilter filter = new ReportFilter();

  @Test
  void firstValueIsAlwaysReported() {
    assertTrue(filter.offer("t", 5, PointValue.of(1.0), Quality.GOOD, false));
  }

  @Test
  void changesWithinTheDeadbandAreSuppressedAgainstTheLastReportedValue() {
    filter.offer("t", 0.5, PointValue.of(20.0), Quality.GOOD, false);
    assertFalse(filter.offer("t", 0.5, PointValue.of(20.3), Quality.GOOD, false));
    assertFalse(filter.offer("t", 0.5, PointValue.of(20.5), Quality.GOOD, false)); // not beyond
    // creeping: 20.3, 20.5, 20.6 -- measured against 20.0, the last *reported*
    assertTrue(filter.offer("t", 0.5, PointValue.of(20.6), Quality.GOOD, false));
    assertFalse(filter.offer("t", 0.5, PointValue.of(20.2), Quality.GOOD, false));
    assertTrue(filter.offer("t", 0.5, PointValue.of(20.0), Quality.GOOD, false));
  }

  @Test
  void zeroDeadbandReportsEveryChangeAndNoRepeat() {
    filter.offer("n", 0, PointValue.of(7L), Quality.GOOD, false);
    assertFalse(filter.offer("n", 0, PointValue.of(7L), Quality.GOOD, false));
    assertTrue(filter.offer("n", 0, PointValue.of(8L), Quality.GOOD, false));
    filter.offer("b", 0, PointValue.of(true), Quality.GOOD, false);
    assertTrue(filter.offer("b", 0, PointValue.of(false), Quality.GOOD, false));
  }

  @Test
  void qualityChangesAreReportedOnceEach() {
    filter.offer("t", 10, PointValue.of(1.0), Quality.GOOD, false);
    assertTrue(filter.offer("t", 10, null, Quality.bad("timeout after 1000 ms"), false));
    assertFalse(filter.offer("t", 10, null, Quality.bad("timeout after 1000 ms"), false));
    assertTrue(filter.offer("t", 10, null, Quality.bad("connection refused by h:502"), false));
    assertTrue(filter.offer("t", 10, PointValue.of(1.0), Quality.GOOD, false)); // GOOD again
  }

  @Test
  void integrityReportsRegardless() {
    filter.offer("t", 10, PointValue.of(1.0), Quality.GOOD, false);
    assertTrue(filter.offer("t", 10, PointValue.of(1.0), Quality.GOOD, true));
    assertTrue(filter.offer("t", 10, null, Quality.bad("x"), false));
    assertTrue(filter.offer("t", 10, null, Quality.bad("x"), true));
  }

  @Test
  void nanIsAChangeOnceNotForever() {
    filter.offer("f", 0.1, PointValue.of(1.0), Quality.GOOD, false);
    assertTrue(filter.offer("f", 0.1, PointValue.of(Double.NaN), Quality.GOOD, false));
    assertFalse(filter.offer("f", 0.1, PointValue.of(Double.NaN), Quality.GOOD, false));
    assertTrue(filter.offer("f", 0.1, PointValue.of(1.0), Quality.GOOD, false));
  }
}
