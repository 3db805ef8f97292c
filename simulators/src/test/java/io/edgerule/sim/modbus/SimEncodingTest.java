package io.edgerule.sim.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SimEncodingTest {
  @Test
  void standardModbusLayoutMostSignificantWordFirst() {
    // float32 123.456 = 0x42F6E979
    assertArrayEquals(new int[] {0x42F6, 0xE979}, SimEncoding.FLOAT32.encode(123.456));
    assertEquals(123.456f, (float) SimEncoding.FLOAT32.decode(new int[] {0x42F6, 0xE979}));
    // float64 123.456 = 0x405EDD2F1A9FBE77
    assertArrayEquals(
        new int[] {0x405E, 0xDD2F, 0x1A9F, 0xBE77}, SimEncoding.FLOAT64.encode(123.456));
    assertArrayEquals(new int[] {0xFFFF, 0xFFFE}, SimEncoding.INT32.encode(-2));
    assertEquals(-2, SimEncoding.INT32.decode(new int[] {0xFFFF, 0xFFFE}));
    assertArrayEquals(new int[] {0xFFFF, 0xFFFF}, SimEncoding.UINT32.encode(4294967295.0));
    assertArrayEquals(
        new int[] {0x8000, 0, 0, 0}, SimEncoding.INT64.encode(-9.223372036854775808E18));
  }

  @Test
  void integersAreRoundedAndClamped() {
    assertArrayEquals(new int[] {0x7FFF}, SimEncoding.INT16.encode(40000));
    assertArrayEquals(new int[] {0x8000}, SimEncoding.INT16.encode(-40000));
    assertArrayEquals(new int[] {0}, SimEncoding.UINT16.encode(-3));
    assertArrayEquals(new int[] {3}, SimEncoding.UINT16.encode(2.6));
    assertEquals(-1, SimEncoding.INT16.decode(new int[] {0xFFFF}));
    assertEquals(65535, SimEncoding.UINT16.decode(new int[] {0xFFFF}));
  }
}
