package io.edgerule.sim.opcua;

/**
 * The simulated process: a heated tank drained by a pump, and a production line counting parts.
 * Pure state and arithmetic; the namespace copies setpoints in and values out on every tick.
 *
 * <ul>
 *   <li>the temperature approaches its setpoint (time constant 20 s) with a 0.3 K wave on top;
 *   <li>the pump runs while its command is true; its speed ramps at 500 rpm/s towards the speed
 *       setpoint; each start is counted;
 *   <li>the level rises by 0.8 %/s and the running pump drains up to 1.6 %/s at 1450 rpm;
 *   <li>the line counter goes up by one every tick while the simulator runs (and keeps counting
 *       after a restart: it never repeats a value).
 * </ul>
 */
final class PlantModel {
  // setpoints, written by clients
  double temperatureSetpoint = 60.0;
  boolean pumpCommand;
  int speedSetpoint = 1450;
  String batchName = "BATCH-001";
  double limitLow = 10.0;
  double limitHigh = 90.0;

  // process values
  double temperature = 20.0;
  float level = 50.0f;
  boolean pumpRunning;
  int pumpSpeed;
  int pumpStarts;
  int lineCounter;
  final double[] temperatureProfile = new double[5];

  private double time;

  void tick(double seconds) {
    time += seconds;
    temperature += (temperatureSetpoint - temperature) * Math.min(1.0, seconds / 20.0);
    double wave = 0.3 * Math.sin(2 * Math.PI * time / 10.0);

    if (pumpCommand && !pumpRunning) {
      pumpStarts++;
    }
    pumpRunning = pumpCommand;
    int target = pumpRunning ? speedSetpoint : 0;
    int step = (int) Math.max(1, Math.round(500 * seconds));
    pumpSpeed =
        pumpSpeed < target
            ? Math.min(target, pumpSpeed + step)
            : Math.max(target, pumpSpeed - step);

    double drain = 1.6 * pumpSpeed / 1450.0;
    level = (float) Math.max(0.0, Math.min(100.0, level + seconds * (0.8 - drain)));
    lineCounter++;

    for (int i = 0; i < temperatureProfile.length; i++) {
      temperatureProfile[i] = round(temperature + wave - 0.5 * i);
    }
  }

  double temperatureReading() {
    return round(temperature + 0.3 * Math.sin(2 * Math.PI * time / 10.0));
  }

  boolean highLevel() {
    return level > limitHigh;
  }

  String lineState() {
    return pumpRunning ? "RUNNING" : "STOPPED";
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
