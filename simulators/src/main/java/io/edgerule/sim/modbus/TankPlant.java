package io.edgerule.sim.modbus;

import java.util.Random;

/**
 * The demo plant: a tank filled by a constant inflow and emptied by a pump, whose contents heat up
 * on their own and are cooled while the pump circulates them.
 *
 * <table>
 *   <caption>Unit map (big-endian words)</caption>
 *   <tr><th>Address</th><th>Meaning</th></tr>
 *   <tr><td>holding registers 0-1</td><td>temperature, float32, °C</td></tr>
 *   <tr><td>holding registers 2-3</td><td>level, float32, percent 0-100</td></tr>
 *   <tr><td>coil 0</td><td>pump (writable): on empties the tank and cools it</td></tr>
 * </table>
 *
 * <p>Physics per second: the level rises by {@value #INFLOW} % and, with the pump on, falls by
 * {@value #PUMP_OUTFLOW} % (net −2.5 %/s). The temperature approaches {@value #HOT} °C with the
 * pump off and {@value #COOLED} °C with it on, with a time constant of {@value #TAU} s, plus
 * Gaussian noise. From the start (72 °C, level 60 %) with the demo rules (pump on at level ≥ 80,
 * off at ≤ 20; alarm above 80 °C, cleared below 75 °C) the alarm rises after ~12 s, the pump starts
 * after ~13 s, the alarm clears after ~20 s, the pump stops after ~37 s, and the cycle repeats
 * about every minute.
 */
public final class TankPlant implements ProcessModel {
  public static final int TEMPERATURE = 0;
  public static final int LEVEL = 2;
  public static final int PUMP = 0;

  public static final double INITIAL_TEMPERATURE = 72;
  public static final double INITIAL_LEVEL = 60;

  /** Percent per second flowing in all the time. */
  public static final double INFLOW = 1.5;

  /** Percent per second the pump takes out. */
  public static final double PUMP_OUTFLOW = 4.0;

  /** °C the contents approach with the pump off. */
  public static final double HOT = 90;

  /** °C the contents approach with the pump on. */
  public static final double COOLED = 60;

  /** Seconds: the time constant of the temperature. */
  public static final double TAU = 20;

  /** °C of noise per √s. */
  public static final double NOISE = 0.15;

  private final Random random;

  /** The same seed gives the same noise. */
  public TankPlant(long seed) {
    this.random = new Random(seed);
  }

  @Override
  public void install(SimUnit unit) {
    unit.map(SimTable.HOLDING_REGISTER, TEMPERATURE, 4);
    unit.map(SimTable.COIL, PUMP, 1);
    unit.setFloat32(SimTable.HOLDING_REGISTER, TEMPERATURE, (float) INITIAL_TEMPERATURE);
    unit.setFloat32(SimTable.HOLDING_REGISTER, LEVEL, (float) INITIAL_LEVEL);
    unit.setCoil(PUMP, false);
  }

  @Override
  public void step(double dt, SimUnit unit) {
    // state lives in the registers, so a test (or an operator) can set it
    boolean pump = unit.coil(PUMP);
    double level = unit.float32(SimTable.HOLDING_REGISTER, LEVEL);
    double temperature = unit.float32(SimTable.HOLDING_REGISTER, TEMPERATURE);

    level += (INFLOW - (pump ? PUMP_OUTFLOW : 0)) * dt;
    level = Math.max(0, Math.min(100, level));
    double target = pump ? COOLED : HOT;
    temperature += (target - temperature) * (1 - Math.exp(-dt / TAU));
    temperature += NOISE * Math.sqrt(dt) * random.nextGaussian();

    unit.setFloat32(SimTable.HOLDING_REGISTER, LEVEL, (float) level);
    unit.setFloat32(SimTable.HOLDING_REGISTER, TEMPERATURE, (float) temperature);
  }

  @Override
  public String toString() {
    return "tank plant (hr 0-1 temperature °C, hr 2-3 level %, coil 0 pump)";
  }
}
