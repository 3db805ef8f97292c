package io.edgerule.adapter.metrics;

import java.util.regex.Pattern;

/**
 * The rules for metric and label names, checked once when a meter is made, so that a bad name fails
 * where it is written and not at the first scrape. Every {@link Metrics} implementation applies the
 * same ones.
 */
public final class MetricNames {
  private static final Pattern METRIC = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private MetricNames() {}

  /**
   * Checks a counter's name: snake_case ending in {@code _total}.
   *
   * @throws IllegalArgumentException naming the metric and the rule it breaks
   */
  public static void checkCounter(String name) {
    check(name);
    if (!name.endsWith("_total")) {
      throw new IllegalArgumentException("counter '" + name + "' must end in _total");
    }
  }

  /** Checks a timer's name: snake_case ending in {@code _seconds} (the exported unit). */
  public static void checkTimer(String name) {
    check(name);
    if (!name.endsWith("_seconds")) {
      throw new IllegalArgumentException("timer '" + name + "' must end in _seconds");
    }
  }

  /** Checks a gauge's name: snake_case, not ending in {@code _total} (that is for counters). */
  public static void checkGauge(String name) {
    check(name);
    if (name.endsWith("_total")) {
      throw new IllegalArgumentException("gauge '" + name + "' must not end in _total");
    }
  }

  private static void check(String name) {
    if (name == null || !METRIC.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "metric name '" + name + "' is not [a-zA-Z_][a-zA-Z0-9_]*");
    }
  }

  static void checkLabel(String name) {
    if (name == null || !LABEL.matcher(name).matches() || name.startsWith("__")) {
      throw new IllegalArgumentException(
          "label name '" + name + "' is not [a-zA-Z_][a-zA-Z0-9_]* (and may not start with __)");
    }
  }
}
