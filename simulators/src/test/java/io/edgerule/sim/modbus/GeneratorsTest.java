package io.edgerule.sim.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratorsTest {
  private static double[] take(ValueGenerator g, int n) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = g.next();
    }
    return out;
  }

  @Test
  void constant() {
    assertArrayEquals(new double[] {4.5, 4.5, 4.5}, take(Generators.constant(4.5), 3));
  }

  @Test
  void rampWrapsAtTheEnds() {
    assertArrayEquals(new double[] {0, 1, 2, 3, 0, 1}, take(Generators.ramp(0, 1, 0, 3), 6));
    assertArrayEquals(new double[] {1, 0, 10, 9}, take(Generators.ramp(1, -1, 0, 10), 4));
  }

  @Test
  void sineStartsAtTheCenterAndPeaksAQuarterPeriodLater() {
    double[] v = take(Generators.sine(20, 5, 8), 9);
    assertEquals(20, v[0], 1e-9);
    assertEquals(25, v[2], 1e-9);
    assertEquals(20, v[4], 1e-9);
    assertEquals(15, v[6], 1e-9);
    assertEquals(20, v[8], 1e-9);
  }

  @Test
  void randomWalkIsReproducibleAndBounded() {
    double[] a = take(Generators.randomWalk(50, 2, 45, 55, 7), 500);
    double[] b = take(Generators.randomWalk(50, 2, 45, 55, 7), 500);
    assertArrayEquals(a, b);
    assertEquals(50, a[0]);
    for (int i = 1; i < a.length; i++) {
      assertTrue(a[i] >= 45 && a[i] <= 55, "bounded: " + a[i]);
      assertTrue(Math.abs(a[i] - a[i - 1]) <= 2 + 1e-9, "step at most 2");
    }
    assertNotEquals(a[1], take(Generators.randomWalk(50, 2, 45, 55, 8), 2)[1]);
  }

  @Test
  void stepChangesAtItsTick() {
    assertArrayEquals(new double[] {0, 0, 0, 7, 7}, take(Generators.step(0, 7, 3), 5));
  }

  @Test
  void scriptedRepeatsOrHolds() {
    assertArrayEquals(
        new double[] {1, 2, 3, 1, 2}, take(Generators.scripted(List.of(1.0, 2.0, 3.0), true), 5));
    assertArrayEquals(
        new double[] {1, 2, 3, 3, 3}, take(Generators.scripted(List.of(1.0, 2.0, 3.0), false), 5));
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Generators.ramp(0, 1, 5, 1));
    assertThrows(IllegalArgumentException.class, () -> Generators.sine(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Generators.scripted(List.of(), true));
  }

  @Test
  void generatorsDriveTheProcessImageOnEveryTick() {
    SimUnit unit = new SimUnit(1);
    unit.generate(SimTable.INPUT_REGISTER, 4, SimEncoding.INT16, Generators.ramp(-1, 1, -1, 1));
    unit.generate(
        SimTable.DISCRETE_INPUT, 0, SimEncoding.BOOL, Generators.scripted(List.of(1.0, 0.0), true));
    assertEquals(0xFFFF, unit.inputRegister(4), "first value written at once: -1");
    assertTrue(unit.discreteInput(0));
    unit.tick(0.1);
    assertEquals(0, unit.inputRegister(4));
    assertEquals(false, unit.discreteInput(0));
    unit.tick(0.1);
    assertEquals(1, unit.inputRegister(4));
    assertTrue(unit.discreteInput(0));
  }
}
