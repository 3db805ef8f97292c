package io.edgerule.adapter.metrics;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One counter per constant of an enum, all with the same labels: an adapter's per-device totals
 * (requests, timeouts, reconnects, ...). Constant {@code TIMEOUTS} with prefix {@code
 * edgerule_modbus} is the counter {@code edgerule_modbus_timeouts_total}; its snake_case name
 * ({@code timeouts}) is its key in the device's health counters ({@link #snapshot()}).
 *
 * <p>{@link #increment} is an array access and a counter increment: no allocation, no map.
 */
public final class CounterSet<E extends Enum<E>> {
  private final Class<E> names;
  private final Counter[] counters;

  private CounterSet(Class<E> names, Counter[] counters) {
    this.names = names;
    this.counters = counters;
  }

  /**
   * Makes (or finds again) the counters.
   *
   * @param prefix the metric names' start, e.g. {@code edgerule_modbus}
   * @param help each constant's HELP text
   */
  public static <E extends Enum<E>> CounterSet<E> bind(
      Metrics metrics, String prefix, Class<E> names, Labels labels, Function<E, String> help) {
    E[] constants = names.getEnumConstants();
    Counter[] counters = new Counter[constants.length];
    for (E c : constants) {
      counters[c.ordinal()] =
          metrics.counter(prefix + "_" + key(c) + "_total", help.apply(c), labels);
    }
    return new CounterSet<>(names, counters);
  }

  /** Counters kept in this process only ({@link Metrics#local()}), for tests and tools. */
  public static <E extends Enum<E>> CounterSet<E> local(Class<E> names) {
    return bind(Metrics.local(), "local", names, Labels.NONE, Enum::name);
  }

  public void increment(E name) {
    counters[name.ordinal()].increment();
  }

  public void add(E name, long amount) {
    counters[name.ordinal()].add(amount);
  }

  public long get(E name) {
    return counters[name.ordinal()].count();
  }

  /** The totals by snake_case name, in the enum's order (a device's health counters). */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (E c : names.getEnumConstants()) {
      out.put(key(c), counters[c.ordinal()].count());
    }
    return out;
  }

  /** The snake_case key of a constant: {@code CRC_ERRORS} → {@code crc_errors}. */
  public static String key(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }
}
