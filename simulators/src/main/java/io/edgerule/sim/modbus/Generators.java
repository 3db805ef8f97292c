package io.edgerule.sim.modbus;

import java.util.List;
import java.util.Random;

/** The stock value generators. Every one is deterministic (random walks take a seed). */
public final class Generators {
  private Generators() {}

  /** Always {@code value}. */
  public static ValueGenerator constant(double value) {
    return () -> value;
  }

  /**
   * {@code start}, then {@code step} more each tick; past {@code max} it wraps to {@code min} (and
   * below {@code min} to {@code max} when the step is negative).
   */
  public static ValueGenerator ramp(double start, double step, double min, double max) {
    checkRange(min, max);
    return new ValueGenerator() {
      private double value = start;
      private boolean first = true;

      @Override
      public double next() {
        if (!first) {
          value += step;
          if (value > max) {
            value = min;
          } else if (value < min) {
            value = max;
          }
        }
        first = false;
        return value;
      }
    };
  }

  /** {@code center + amplitude * sin(2π tick / periodTicks)}, starting at tick 0. */
  public static ValueGenerator sine(double center, double amplitude, double periodTicks) {
    if (!(periodTicks > 0)) {
      throw new IllegalArgumentException("sine period must be > 0 ticks, got " + periodTicks);
    }
    return new ValueGenerator() {
      private long tick;

      @Override
      public double next() {
        return center + amplitude * Math.sin(2 * Math.PI * tick++ / periodTicks);
      }
    };
  }

  /**
   * {@code start}, then a uniform random step in [-maxStep, maxStep] each tick, kept within [min,
   * max]. The same seed gives the same walk.
   */
  public static ValueGenerator randomWalk(
      double start, double maxStep, double min, double max, long seed) {
    checkRange(min, max);
    Random random = new Random(seed);
    return new ValueGenerator() {
      private double value = Math.max(min, Math.min(max, start));
      private boolean first = true;

      @Override
      public double next() {
        if (!first) {
          value += (random.nextDouble() * 2 - 1) * maxStep;
          value = Math.max(min, Math.min(max, value));
        }
        first = false;
        return value;
      }
    };
  }

  /** {@code before} for the first {@code atTick} ticks, then {@code after}. */
  public static ValueGenerator step(double before, double after, long atTick) {
    return new ValueGenerator() {
      private long tick;

      @Override
      public double next() {
        return tick++ < atTick ? before : after;
      }
    };
  }

  /** The given values in order; then again from the start, or the last one held. */
  public static ValueGenerator scripted(List<Double> values, boolean repeat) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("a scripted generator needs at least one value");
    }
    List<Double> script = List.copyOf(values);
    return new ValueGenerator() {
      private int index;

      @Override
      public double next() {
        double v = script.get(index);
        if (index < script.size() - 1) {
          index++;
        } else if (repeat) {
          index = 0;
        }
        return v;
      }
    };
  }

  private static void checkRange(double min, double max) {
    if (!(min <= max)) {
      throw new IllegalArgumentException("min " + min + " is above max " + max);
    }
  }
}
