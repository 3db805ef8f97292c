package io.edgerule.sim.modbus;

/**
 * A simulated process behind a unit's registers (a tank, a motor): it maps its addresses once and
 * then updates them every tick, reading what the master wrote (setpoints, coils).
 */
public interface ProcessModel {
  /** Maps the addresses the model uses and writes their initial values. */
  void install(SimUnit unit);

  /** Advances the process by {@code dtSeconds} of simulated time. */
  void step(double dtSeconds, SimUnit unit);
}
