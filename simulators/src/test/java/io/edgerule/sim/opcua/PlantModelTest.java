package io.edgerule.sim.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlantModelTest {
  @Test
  void temperatureApproachesItsSetpoint() {
    PlantModel m = new PlantModel();
    m.temperatureSetpoint = 80;
    for (int i = 0; i < 1000; i++) {
      m.tick(0.1);
    }
    assertEquals(80.0, m.temperatureReading(), 0.5);
  }

  @Test
  void thePumpStartsRampsDrainsAndCountsItsStarts() {
    PlantModel m = new PlantModel();
    float level = m.level;
    m.tick(1.0);
    assertTrue(m.level > level, "inflow fills the tank while the pump is off");
    assertEquals(0, m.pumpSpeed);

    m.pumpCommand = true;
    m.tick(1.0);
    assertTrue(m.pumpRunning);
    assertEquals(500, m.pumpSpeed, "ramps at 500 rpm/s");
    assertEquals(1, m.pumpStarts);
    for (int i = 0; i < 10; i++) {
      m.tick(1.0);
    }
    assertEquals(1450, m.pumpSpeed);
    assertEquals(1, m.pumpStarts, "one start, however long it runs");
    float full = m.level;
    m.tick(1.0);
    assertTrue(m.level < full, "the running pump drains faster than the inflow");
    assertEquals("RUNNING", m.lineState());

    m.pumpCommand = false;
    m.tick(1.0);
    assertFalse(m.pumpRunning);
    assertEquals(950, m.pumpSpeed);
  }

  @Test
  void theCounterNeverRepeatsAndTheLevelStaysInRange() {
    PlantModel m = new PlantModel();
    int last = m.lineCounter;
    for (int i = 0; i < 500; i++) {
      m.tick(1.0);
      assertEquals(last + 1, m.lineCounter);
      last = m.lineCounter;
      assertTrue(m.level >= 0 && m.level <= 100);
    }
    assertTrue(m.highLevel(), "a full tank is above the high limit");
  }

  @Test
  void theProfileFollowsTheTemperatureByDepth() {
    PlantModel m = new PlantModel();
    m.tick(0.1);
    for (int i = 1; i < m.temperatureProfile.length; i++) {
      assertEquals(m.temperatureProfile[i - 1] - 0.5, m.temperatureProfile[i], 1e-9);
    }
  }
}
