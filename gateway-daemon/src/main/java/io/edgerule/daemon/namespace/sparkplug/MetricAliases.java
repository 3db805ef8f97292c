package io.edgerule.daemon.namespace.sparkplug;

import io.edgerule.adapter.PointId;
import java.util.HashMap;
import java.util.Map;

/**
 * The metric aliases of one edge node, unique across the node and all its devices as Sparkplug B
 * asks. An alias is given when a metric is first named and kept for the life of the process, so
 * every birth of the same metric carries the same alias. Not thread-safe (the namespace's lock).
 */
final class MetricAliases {
  private final Map<String, Long> nodeMetrics = new HashMap<>();
  private final Map<PointId, Long> points = new HashMap<>();
  private final Map<Long, PointId> pointsByAlias = new HashMap<>();
  private long next = 1;

  long node(String metric) {
    return nodeMetrics.computeIfAbsent(metric, m -> next++);
  }

  long point(PointId point) {
    Long alias = points.get(point);
    if (alias == null) {
      alias = next++;
      points.put(point, alias);
      pointsByAlias.put(alias, point);
    }
    return alias;
  }

  /** The point a DCMD metric's alias stands for, or null when it is no point's alias. */
  PointId pointOf(long alias) {
    return pointsByAlias.get(alias);
  }

  /** The node metric an NCMD metric's alias stands for, or null. */
  String nodeMetricOf(long alias) {
    for (Map.Entry<String, Long> e : nodeMetrics.entrySet()) {
      if (e.getValue() == alias) {
        return e.getKey();
      }
    }
    return null;
  }
}
