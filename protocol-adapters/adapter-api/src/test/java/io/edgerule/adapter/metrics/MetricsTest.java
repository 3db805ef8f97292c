package io.edgerule.adapter.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
  enum Things {
    REQUESTS,
    CRC_ERRORS
  }

  @Test
  void theSameNameAndLabelsGiveTheSameMeter() {
    LocalMetrics m = Metrics.local();
    Counter a = m.counter("x_requests_total", "requests", Labels.of("device", "tank"));
    Counter b = m.counter("x_requests_total", "requests", Labels.of("device", "tank"));
    Counter other = m.counter("x_requests_total", "requests", Labels.of("device", "meter"));
    assertSame(a, b);
    a.increment();
    b.add(2);
    other.increment();
    assertEquals(3, a.count());
    assertEquals(3.0, m.value("x_requests_total", Labels.of("device", "tank")));
    assertEquals(1.0, m.value("x_requests_total", Labels.of("device", "meter")));
    assertTrue(Double.isNaN(m.value("x_requests_total", Labels.of("device", "none"))));
  }

  @Test
  void aNameKeepsItsKindAndLabelNames() {
    LocalMetrics m = Metrics.local();
    m.counter("x_total", "x", Labels.of("device", "a"));
    m.gauge("depth", "d", Labels.NONE, () -> 1);
    IllegalArgumentException kind =
        assertThrows(IllegalArgumentException.class, () -> m.counter("depth", "d", Labels.NONE));
    assertTrue(kind.getMessage().contains("must end in _total"), kind.getMessage());
    m.timer("t_seconds", "t", Labels.NONE);
    IllegalArgumentException kind2 =
        assertThrows(
            IllegalArgumentException.class, () -> m.gauge("t_seconds", "t", Labels.NONE, () -> 1));
    assertTrue(kind2.getMessage().contains("'t_seconds' is a timer"), kind2.getMessage());
    IllegalArgumentException labels =
        assertThrows(
            IllegalArgumentException.class, () -> m.counter("x_total", "x", Labels.of("bus", "a")));
    assertEquals(
        "metric 'x_total' is a counter with labels [device]; asked for a counter with labels [bus]",
        labels.getMessage());
  }

  @Test
  void badNamesAreRefusedWhereTheyAreMade() {
    LocalMetrics m = Metrics.local();
    assertThrows(IllegalArgumentException.class, () -> m.counter("x", "x", Labels.NONE));
    assertThrows(IllegalArgumentException.class, () -> m.timer("x_total", "x", Labels.NONE));
    assertThrows(IllegalArgumentException.class, () -> m.counter("a-b_total", "x", Labels.NONE));
    assertThrows(IllegalArgumentException.class, () -> Labels.of("__x", "v"));
    assertThrows(IllegalArgumentException.class, () -> Labels.of("a", "1", "a", "2"));
    assertThrows(IllegalArgumentException.class, () -> new Labels(List.of("a", "b"), List.of("1")));
    Counter c = m.counter("y_total", "y", Labels.NONE);
    assertThrows(IllegalArgumentException.class, () -> c.add(-1));
  }

  @Test
  void aCounterSetNamesItsCountersAfterTheConstants() {
    LocalMetrics m = Metrics.local();
    CounterSet<Things> set =
        CounterSet.bind(m, "edgerule_test", Things.class, Labels.of("device", "d"), Enum::name);
    set.increment(Things.CRC_ERRORS);
    set.add(Things.REQUESTS, 5);
    assertEquals(Map.of("requests", 5L, "crc_errors", 1L), set.snapshot());
    assertEquals(
        List.of("requests", "crc_errors"), List.copyOf(set.snapshot().keySet()), "enum order");
    assertEquals(1.0, m.value("edgerule_test_crc_errors_total", Labels.of("device", "d")));
    // bound again (an adapter restarted): the same totals
    CounterSet<Things> again =
        CounterSet.bind(m, "edgerule_test", Things.class, Labels.of("device", "d"), Enum::name);
    assertEquals(5, again.get(Things.REQUESTS));
  }

  @Test
  void countersAndGaugesReadFromSuppliersAreReadWhenAsked() {
    LocalMetrics m = Metrics.local();
    long[] total = {4};
    m.counterOf("q_dropped_total", "dropped", Labels.NONE, () -> total[0]);
    m.gauge("q_depth", "depth", Labels.NONE, () -> 2.5);
    total[0] = 9;
    assertEquals(9.0, m.value("q_dropped_total", Labels.NONE));
    assertEquals(2.5, m.value("q_depth", Labels.NONE));
    assertThrows(
        IllegalArgumentException.class, () -> m.counterOf("q_dropped", "x", Labels.NONE, () -> 1));
  }

  @Test
  void deviceMetersHaveTheCommonNames() {
    LocalMetrics m = Metrics.local();
    DeviceMeters d = DeviceMeters.bind(m, "modbus-tcp", "tank");
    d.polls().increment();
    d.latency().record(2_000_000);
    d.latency().record(-5);
    Labels l = Labels.of("protocol", "modbus-tcp", "device", "tank");
    assertEquals(1.0, m.value(DeviceMeters.POLLS, l));
    assertEquals(0.0, m.value(DeviceMeters.ERRORS, l));
    assertEquals(2.0, m.value(DeviceMeters.LATENCY, l));
    assertEquals(2_000_000, d.latency().totalNanos());
    assertEquals("{protocol=\"modbus-tcp\",device=\"tank\"}", l.toString());
  }
}
