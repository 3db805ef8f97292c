package io.edgerule.adapter.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.Quality;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.junit.jupiter.api.Test;

class StatusQualityTest {
  @Test
  void severityChoosesTheQualityAndTheNameIsTheReason() {
    assertEquals(Quality.GOOD, StatusQuality.of(StatusCode.GOOD));
    assertEquals(
        Quality.bad("Bad_SensorFailure"),
        StatusQuality.of(new StatusCode(StatusCodes.Bad_SensorFailure)));
    assertEquals(
        Quality.uncertain("Uncertain_LastUsableValue"),
        StatusQuality.of(new StatusCode(StatusCodes.Uncertain_LastUsableValue)));
    assertEquals(
        new Quality(Quality.Status.GOOD, "Good_LocalOverride"),
        StatusQuality.of(new StatusCode(StatusCodes.Good_LocalOverride)));
  }

  @Test
  void infoBitsDoNotChangeTheMeaning() {
    // Good with the "overflow" info bits set (0x0480): the value is still good
    assertEquals(Quality.GOOD, StatusQuality.of(new StatusCode(0x00000480L)));
    assertEquals(
        Quality.bad("Bad_NoCommunication"),
        StatusQuality.of(new StatusCode(StatusCodes.Bad_NoCommunication | 0x0400L)));
  }

  @Test
  void unknownCodesAreShownInHex() {
    assertEquals(Quality.bad("0x80FF0000"), StatusQuality.of(new StatusCode(0x80FF0000L)));
  }
}
