package io.edgerule.adapter.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * {@link Metrics} kept in this process and exported nowhere; {@link #value} reads any meter back
 * (for tests and tools).
 */
public final class LocalMetrics implements Metrics {
  private record Key(String name, Labels labels) {}

  private final MeterKinds kinds = new MeterKinds();
  private final Map<Key, Object> meters = new ConcurrentHashMap<>();

  LocalMetrics() {}

  @Override
  public Counter counter(String name, String help, Labels labels) {
    kinds.declare(name, MeterKinds.Kind.COUNTER, labels);
    return (Counter) meters.computeIfAbsent(new Key(name, labels), k -> new AdderCounter());
  }

  @Override
  public Timer timer(String name, String help, Labels labels) {
    kinds.declare(name, MeterKinds.Kind.TIMER, labels);
    return (Timer) meters.computeIfAbsent(new Key(name, labels), k -> new AdderTimer());
  }

  @Override
  public void gauge(String name, String help, Labels labels, DoubleSupplier value) {
    kinds.declare(name, MeterKinds.Kind.GAUGE, labels);
    meters.put(new Key(name, labels), value);
  }

  @Override
  public void counterOf(String name, String help, Labels labels, LongSupplier total) {
    kinds.declare(name, MeterKinds.Kind.COUNTER, labels);
    meters.put(new Key(name, labels), total);
  }

  /**
   * The value of a meter: a counter's count, a timer's count of observations, a gauge's value; NaN
   * when there is no such meter.
   */
  public double value(String name, Labels labels) {
    Object m = meters.get(new Key(name, labels));
    if (m instanceof Counter c) {
      return c.count();
    }
    if (m instanceof Timer t) {
      return t.count();
    }
    if (m instanceof DoubleSupplier g) {
      return g.getAsDouble();
    }
    if (m instanceof LongSupplier t) {
      return t.getAsLong();
    }
    return Double.NaN;
  }

  private static final class AdderCounter implements Counter {
    private final LongAdder total = new LongAdder();

    @Override
    public void increment() {
      total.increment();
    }

    @Override
    public void add(long amount) {
      if (amount < 0) {
        throw new IllegalArgumentException(
            "a counter cannot go down (asked to add " + amount + ")");
      }
      total.add(amount);
    }

    @Override
    public long count() {
      return total.sum();
    }
  }

  private static final class AdderTimer implements Timer {
    private final LongAdder count = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    @Override
    public void record(long nanos) {
      count.increment();
      this.nanos.add(Math.max(0, nanos));
    }

    @Override
    public long count() {
      return count.sum();
    }

    @Override
    public long totalNanos() {
      return nanos.sum();
    }
  }
}
