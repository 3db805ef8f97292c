package io.edgerule.daemon.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.metrics.Counter;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {
  enum Things {
    REQUESTS,
    CRC_ERRORS
  }

  private static PromText scrape(PrometheusMetrics m) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    m.writeText(out);
    return PromText.parse(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void countersTimersAndGaugesComeOutInTheTextFormat() throws IOException {
    PrometheusMetrics m = new PrometheusMetrics();
    Counter c = m.counter("edgerule_x_requests_total", "requests", Labels.of("device", "tank"));
    c.increment();
    c.add(4);
    assertSame(
        c.getClass(),
        m.counter("edgerule_x_requests_total", "requests", Labels.of("device", "pump")).getClass());
    PrometheusMetrics.PrometheusTimer t =
        m.timer("edgerule_x_seconds", "time", Labels.of("rule", "r"));
    for (int i = 1; i <= 100; i++) {
      t.record(i * 1_000_000L); // 1..100 ms
    }
    long[] total = {7};
    m.counterOf("edgerule_x_dropped_total", "dropped", Labels.NONE, () -> total[0]);
    m.gauge("edgerule_x_depth", "depth", Labels.of("queue", "in"), () -> 3);
    CounterSet<Things> set =
        CounterSet.bind(m, "edgerule_y", Things.class, Labels.of("bus", "b1"), Enum::name);
    set.increment(Things.CRC_ERRORS);

    PromText p = scrape(m);
    assertEquals(5.0, p.value("edgerule_x_requests_total", "device", "tank"));
    assertEquals(0.0, p.value("edgerule_x_requests_total", "device", "pump"));
    assertEquals(100.0, p.value("edgerule_x_seconds_count", "rule", "r"));
    assertEquals(5.05, p.value("edgerule_x_seconds_sum", "rule", "r"), 1e-9);
    double p50 = p.value("edgerule_x_seconds", "rule", "r", "quantile", "0.5");
    double p99 = p.value("edgerule_x_seconds", "rule", "r", "quantile", "0.99");
    assertTrue(p50 > 0.045 && p50 < 0.056, "p50 " + p50);
    assertTrue(p99 > 0.097 && p99 <= 0.100, "p99 " + p99);
    assertEquals(50.0, t.quantileNanos(0.5) / 1e6, 5.5);
    assertEquals(7.0, p.value("edgerule_x_dropped_total"));
    assertEquals(3.0, p.value("edgerule_x_depth", "queue", "in"));
    assertEquals(1.0, p.value("edgerule_y_crc_errors_total", "bus", "b1"));
    total[0] = 9;
    assertEquals(9.0, scrape(m).value("edgerule_x_dropped_total"));
    // the JVM's own collectors are there
    assertNotNull(scrape(m).value("jvm_memory_used_bytes", "area", "heap"));
    assertNotNull(scrape(m).value("jvm_threads_current"));
  }

  @Test
  void aNameKeepsItsKindAndLabelsAndABrokenGaugeDoesNotBreakTheScrape() throws IOException {
    PrometheusMetrics m = new PrometheusMetrics();
    m.counter("edgerule_a_total", "a", Labels.of("device", "d"));
    assertThrows(
        IllegalArgumentException.class, () -> m.counter("edgerule_a_total", "a", Labels.NONE));
    assertThrows(
        IllegalArgumentException.class,
        () -> m.counterOf("edgerule_a_total", "a", Labels.of("device", "e"), () -> 1));
    m.gauge(
        "edgerule_broken",
        "throws",
        Labels.NONE,
        () -> {
          throw new IllegalStateException("gone");
        });
    PromText p = scrape(m);
    assertTrue(p.value("edgerule_broken").isNaN());
    assertEquals(0.0, p.value("edgerule_a_total", "device", "d"));
  }
}
