package io.edgerule.sim.modbus;

/**
 * A sequence of values, one per simulator tick. Called from one thread at a time. See {@link
 * Generators} for the stock ones.
 */
@FunctionalInterface
public interface ValueGenerator {
  /** The value for the next tick (the first call gives the initial value). */
  double next();
}
