package io.edgerule.sim.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RtuFaultsTest {
  private final RtuFaults faults = new RtuFaults();

  @Test
  void countedFaultsApplyToThatManyAnswers() {
    faults.corruptCrc(1, 2).garbageBefore(1, 1).delay(1, Duration.ofMillis(300), 1);
    RtuFaults.Plan first = faults.next(1);
    assertTrue(first.corruptCrc());
    assertTrue(first.garbageBefore());
    assertEquals(Duration.ofMillis(300), first.delay());
    RtuFaults.Plan second = faults.next(1);
    assertTrue(second.corruptCrc());
    assertFalse(second.garbageBefore());
    assertEquals(Duration.ZERO, second.delay());
    assertEquals(RtuFaults.Plan.NORMAL, faults.next(1));
    assertEquals(RtuFaults.Plan.NORMAL, faults.next(2), "other units are untouched");
  }

  @Test
  void alwaysLastsUntilCleared() {
    faults.corruptCrc(3, RtuFaults.ALWAYS);
    for (int i = 0; i < 100; i++) {
      assertTrue(faults.next(3).corruptCrc());
    }
    faults.clear(3);
    assertEquals(RtuFaults.Plan.NORMAL, faults.next(3));
  }

  @Test
  void silenceUntilAnswer() {
    faults.silence(2);
    assertTrue(faults.next(2).silent());
    assertTrue(faults.next(2).silent());
    faults.answer(2);
    assertFalse(faults.next(2).silent());
  }

  @Test
  void exceptionsCoverTheAddressInsideARequest() {
    faults.exception(1, SimTable.HOLDING_REGISTER, 7, 4);
    assertEquals(4, faults.exceptionFor(1, SimTable.HOLDING_REGISTER, 0, 10));
    assertEquals(4, faults.exceptionFor(1, SimTable.HOLDING_REGISTER, 7, 1));
    assertEquals(0, faults.exceptionFor(1, SimTable.HOLDING_REGISTER, 8, 2));
    assertEquals(0, faults.exceptionFor(1, SimTable.INPUT_REGISTER, 7, 1));
    assertEquals(0, faults.exceptionFor(2, SimTable.HOLDING_REGISTER, 7, 1));
    faults.clear();
    assertEquals(0, faults.exceptionFor(1, SimTable.HOLDING_REGISTER, 7, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> faults.exception(1, SimTable.COIL, 0, 0x80),
        "exception codes are 1..127");
  }
}
