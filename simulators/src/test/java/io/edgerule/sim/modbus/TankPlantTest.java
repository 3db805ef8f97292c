package io.edgerule.sim.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The demo loop on simulated time: alarms and pump actions within 30 s, without sleeping. */
class TankPlantTest {

  private static float temperature(SimUnit u) {
    return u.float32(SimTable.HOLDING_REGISTER, TankPlant.TEMPERATURE);
  }

  private static float level(SimUnit u) {
    return u.float32(SimTable.HOLDING_REGISTER, TankPlant.LEVEL);
  }

  @Test
  void installsItsMapWithInitialValues() {
    SimUnit unit = new SimUnit(1).model(new TankPlant(1));
    assertEquals(72f, temperature(unit));
    assertEquals(60f, level(unit));
    assertEquals(false, unit.coil(TankPlant.PUMP));
    assertEquals("0-3", unit.describe(SimTable.HOLDING_REGISTER));
    assertEquals("0", unit.describe(SimTable.COIL));
  }

  @Test
  void levelFollowsInflowAndPump() {
    SimUnit unit = new SimUnit(1).model(new TankPlant(1));
    unit.tick(1.0);
    assertEquals(61.5f, level(unit), 1e-4);
    unit.setCoil(TankPlant.PUMP, true);
    unit.tick(1.0);
    assertEquals(59.0f, level(unit), 1e-4);
  }

  @Test
  void demoRulesSeeAlarmAndPumpActionsWithin30Seconds() {
    // the demo's rules: pump on at level >= 80, off at <= 20; alarm > 80 °C, cleared < 75 °C
    for (long seed = 0; seed < 20; seed++) {
      SimUnit unit = new SimUnit(1).model(new TankPlant(seed));
      double alarmAt = -1;
      double pumpOnAt = -1;
      double clearedAt = -1;
      boolean alarm = false;
      for (int tick = 1; tick <= 300; tick++) { // 30 s of 100 ms ticks
        unit.tick(0.1);
        double t = tick * 0.1;
        if (!alarm && temperature(unit) > 80) {
          alarm = true;
          alarmAt = alarmAt < 0 ? t : alarmAt;
        } else if (alarm && temperature(unit) < 75) {
          alarm = false;
          clearedAt = clearedAt < 0 ? t : clearedAt;
        }
        if (!unit.coil(TankPlant.PUMP) && level(unit) >= 80) {
          unit.setCoil(TankPlant.PUMP, true);
          pumpOnAt = pumpOnAt < 0 ? t : pumpOnAt;
        } else if (unit.coil(TankPlant.PUMP) && level(unit) <= 20) {
          unit.setCoil(TankPlant.PUMP, false);
        }
      }
      String run =
          "seed "
              + seed
              + ": alarm "
              + alarmAt
              + " s, pump "
              + pumpOnAt
              + " s, clear "
              + clearedAt
              + " s";
      assertTrue(alarmAt > 5 && alarmAt < 20, run);
      assertTrue(pumpOnAt > 10 && pumpOnAt < 16, run);
      assertTrue(clearedAt > alarmAt && clearedAt < 30, run);
    }
  }
}
