package io.edgerule.daemon.metrics;

import io.edgerule.adapter.metrics.Counter;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.MeterKinds;
import io.edgerule.adapter.metrics.Metrics;
import io.edgerule.adapter.metrics.Timer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The daemon's {@link Metrics}: meters of the Prometheus Java client in a registry of this gateway
 * (not the client's global default registry, so two gateways in one JVM, as in tests, never mix),
 * plus the JVM's memory, GC, thread and class-loading collectors. {@link #writeText} renders the
 * Prometheus text format for {@code GET /metrics}.
 *
 * <p>Each meter is a label set bound once ({@code labelValues}); using it is a {@code LongAdder}
 * add (counters) or a synchronized quantile insert (timers, used per request or per batch, never
 * per sample).
 */
public final class PrometheusMetrics implements Metrics {
  /** Quantiles of every timer, over a sliding window of {@link #WINDOW_SECONDS}. */
  static final double[] QUANTILES = {0.5, 0.99};

  static final long WINDOW_SECONDS = 60;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final MeterKinds kinds = new MeterKinds();
  private final Map<String, io.prometheus.metrics.core.metrics.Counter> counters =
      new ConcurrentHashMap<>();
  private final Map<String, Summary> summaries = new ConcurrentHashMap<>();
  private final Map<String, Map<List<String>, DoubleSupplier>> gauges = new ConcurrentHashMap<>();
  private final Map<String, Map<List<String>, LongSupplier>> totals = new ConcurrentHashMap<>();
  private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
  private boolean jvmCollectors; // guarded by this

  /**
   * The JVM's collectors, registered at the first scrape rather than at start: they read the JVM's
   * management beans and subscribe to its GC notifications, ~200 classes and their CPU at every
   * start of a gateway that nobody may ever scrape (docs/benchmarks.md, "Footprint round 3"). Their
   * counters count from then: {@code jvm_memory_pool_allocated_bytes_total} misses what was
   * allocated before the first scrape; the others read totals the JVM keeps from its start.
   */
  private synchronized void registerJvmCollectors() {
    if (jvmCollectors) {
      return;
    }
    jvmCollectors = true;
    // JvmMetrics.builder() without its native-memory collector: that one starts the JVM's platform
    // MBean server at registration to ask whether Native Memory Tracking is on (it is not in the
    // shipped options, so it would export nothing), which loads JMX's ~NNN classes into every
    // gateway (docs/benchmarks.md, "Reference load and soak").
    JvmThreadsMetrics.builder().register(registry);
    JvmBufferPoolMetrics.builder().register(registry);
    JvmClassLoadingMetrics.builder().register(registry);
    JvmCompilationMetrics.builder().register(registry);
    JvmGarbageCollectorMetrics.builder().register(registry);
    JvmMemoryPoolAllocationMetrics.builder().register(registry);
    JvmMemoryMetrics.builder().register(registry);
    JvmRuntimeInfoMetric.builder().register(registry);
    ProcessMetrics.builder().register(registry);
  }

  @Override
  public Counter counter(String name, String help, Labels labels) {
    kinds.declare(name, MeterKinds.Kind.COUNTER, labels);
    if (totals.containsKey(name)) {
      throw new IllegalArgumentException(
          "counter '" + name + "' is read from a supplier; it cannot also be counted here");
    }
    io.prometheus.metrics.core.metrics.Counter family =
        counters.computeIfAbsent(
            name,
            n ->
                io.prometheus.metrics.core.metrics.Counter.builder()
                    .name(n)
                    .help(help)
                    .labelNames(labels.names().toArray(String[]::new))
                    .withoutExemplars()
                    .register(registry));
    return new BoundCounter(family.labelValues(labels.values().toArray(String[]::new)));
  }

  @Override
  public PrometheusTimer timer(String name, String help, Labels labels) {
    kinds.declare(name, MeterKinds.Kind.TIMER, labels);
    Summary family =
        summaries.computeIfAbsent(
            name,
            n -> {
              Summary.Builder b =
                  Summary.builder()
                      .name(n)
                      .help(help)
                      .labelNames(labels.names().toArray(String[]::new))
                      .maxAgeSeconds(WINDOW_SECONDS)
                      .numberOfAgeBuckets(5)
                      .withoutExemplars();
              b.quantile(0.5, 0.01).quantile(0.99, 0.001);
              return b.register(registry);
            });
    String[] values = labels.values().toArray(String[]::new);
    return new PrometheusTimer(family, family.labelValues(values), labels);
  }

  @Override
  public void gauge(String name, String help, Labels labels, DoubleSupplier value) {
    boolean first = kinds.declare(name, MeterKinds.Kind.GAUGE, labels);
    Map<List<String>, DoubleSupplier> series =
        gauges.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    series.put(labels.values(), value);
    if (first) {
      GaugeWithCallback.builder()
          .name(name)
          .help(help)
          .labelNames(labels.names().toArray(String[]::new))
          .callback(
              cb ->
                  series.forEach(
                      (values, supplier) -> cb.call(read(supplier), values.toArray(String[]::new))))
          .register(registry);
    }
  }

  @Override
  public void counterOf(String name, String help, Labels labels, LongSupplier total) {
    boolean first = kinds.declare(name, MeterKinds.Kind.COUNTER, labels);
    if (counters.containsKey(name)) {
      throw new IllegalArgumentException(
          "counter '" + name + "' is counted here already; it cannot also be read from a supplier");
    }
    Map<List<String>, LongSupplier> series =
        totals.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    series.put(labels.values(), total);
    if (first) {
      CounterWithCallback.builder()
          .name(name)
          .help(help)
          .labelNames(labels.names().toArray(String[]::new))
          .callback(
              cb ->
                  series.forEach(
                      (values, supplier) -> cb.call(read(supplier), values.toArray(String[]::new))))
          .register(registry);
    }
  }

  private static double read(LongSupplier supplier) {
    try {
      return supplier.getAsLong();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double read(DoubleSupplier supplier) {
    try {
      return supplier.getAsDouble();
    } catch (RuntimeException e) {
      return Double.NaN; // one broken gauge must not fail the whole scrape
    }
  }

  /** Writes every meter in the Prometheus text format (version 0.0.4). */
  public void writeText(OutputStream out) throws IOException {
    registerJvmCollectors();
    text.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
  }

  /** The content type of {@link #writeText}. */
  public String textContentType() {
    return text.getContentType();
  }

  private record BoundCounter(CounterDataPoint point) implements Counter {
    @Override
    public void increment() {
      point.inc();
    }

    @Override
    public void add(long amount) {
      if (amount < 0) {
        throw new IllegalArgumentException(
            "a counter cannot go down (asked to add " + amount + ")");
      }
      point.inc(amount);
    }

    @Override
    public long count() {
      return point.getLongValue();
    }
  }

  /** A timer that can also tell its quantiles (for the status page's rule timings). */
  public static final class PrometheusTimer implements Timer {
    private final Summary family;
    private final DistributionDataPoint point;
    private final Labels labels;

    PrometheusTimer(Summary family, DistributionDataPoint point, Labels labels) {
      this.family = family;
      this.point = point;
      this.labels = labels;
    }

    @Override
    public void record(long nanos) {
      point.observe(Math.max(0, nanos) / 1e9);
    }

    @Override
    public long count() {
      return point.getCount();
    }

    @Override
    public long totalNanos() {
      return Math.round(point.getSum() * 1e9);
    }

    /**
     * The quantile {@code q} (0.5 or 0.99) over the last minute, in nanoseconds; NaN when nothing
     * was observed in that window. Costs a collect of the whole timer family: for status pages, not
     * hot paths.
     */
    public double quantileNanos(double q) {
      SummarySnapshot snap = family.collect();
      for (SummarySnapshot.SummaryDataPointSnapshot p : snap.getDataPoints()) {
        if (matches(p.getLabels())) {
          for (Quantile quantile : p.getQuantiles()) {
            if (quantile.getQuantile() == q) {
              return quantile.getValue() * 1e9;
            }
          }
        }
      }
      return Double.NaN;
    }

    private boolean matches(io.prometheus.metrics.model.snapshots.Labels l) {
      if (l.size() != labels.names().size()) {
        return false;
      }
      for (int i = 0; i < labels.names().size(); i++) {
        if (!labels.values().get(i).equals(l.get(labels.names().get(i)))) {
          return false;
        }
      }
      return true;
    }
  }
}
