package io.edgerule.adapter.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each metric name was declared as (kind and label names), so that every {@link Metrics}
 * implementation refuses the same mix-ups with the same message: a name used as a counter and a
 * gauge, or with two sets of label names, would make an export that Prometheus rejects whole.
 */
public final class MeterKinds {
  /** The kinds of meter. */
  public enum Kind {
    COUNTER,
    TIMER,
    GAUGE
  }

  private record Declared(Kind kind, List<String> labelNames) {}

  private final Map<String, Declared> declared = new ConcurrentHashMap<>();

  /**
   * Checks {@code name} and records its kind and label names at the first use.
   *
   * @return true the first time {@code name} is declared
   * @throws IllegalArgumentException when the name is malformed for its kind, or was declared
   *     before as another kind or with other label names
   */
  public boolean declare(String name, Kind kind, Labels labels) {
    switch (kind) {
      case COUNTER -> MetricNames.checkCounter(name);
      case TIMER -> MetricNames.checkTimer(name);
      case GAUGE -> MetricNames.checkGauge(name);
    }
    Declared want = new Declared(kind, labels.names());
    Declared had = declared.putIfAbsent(name, want);
    if (had != null && !had.equals(want)) {
      throw new IllegalArgumentException(
          "metric '"
              + name
              + "' is a "
              + had.kind().name().toLowerCase(java.util.Locale.ROOT)
              + " with labels "
              + had.labelNames()
              + "; asked for a "
              + kind.name().toLowerCase(java.util.Locale.ROOT)
              + " with labels "
              + labels.names());
    }
    return had == null;
  }
}
