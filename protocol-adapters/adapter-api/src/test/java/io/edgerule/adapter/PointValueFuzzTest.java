package io.edgerule.adapter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Values at their edges keep their type, content and equality; missing ones are named. */
class PointValueFuzzTest {
  private static final long SEED = 0x5EED_3003L;

  @Test
  void valuesKeepTypeContentAndEquality() {
    SplittableRandom r = new SplittableRandom(SEED);
    double[] doubles = {Double.NaN, Double.POSITIVE_INFINITY, -0.0, Double.MIN_VALUE, 1e308};
    for (int n = 0; n < 20_000; n++) {
      PointValue v =
          switch (r.nextInt(5)) {
            case 0 -> PointValue.of(r.nextBoolean());
            case 1 -> PointValue.of(r.nextLong());
            case 2 -> PointValue.of(r.nextBoolean() ? r.nextDouble() : doubles[r.nextInt(5)]);
            case 3 -> PointValue.of(new String(new char[] {(char) r.nextInt(0x10000)}));
            default -> {
              byte[] b = new byte[r.nextInt(0, 8)];
              for (int i = 0; i < b.length; i++) {
                b[i] = (byte) r.nextInt(256);
              }
              PointValue.Bytes bytes = PointValue.of(b);
              if (b.length > 0) {
                b[0] ^= 1; // changing the array afterwards does not change the value
                assertFalse(java.util.Arrays.equals(b, bytes.value()), "copied in");
                bytes.value()[0] ^= 1;
                b[0] ^= 1;
                assertArrayEquals(b, bytes.value(), "copied out");
              }
              yield bytes;
            }
          };
      String where = "seed " + SEED + " case " + n + ": " + v.type() + " " + v;
      assertNotNull(v.toString(), where);
      assertEquals(v, v, where);
      assertEquals(v.hashCode(), v.hashCode(), where);
      switch (v.type()) {
        case STRING, BYTES ->
            assertFalse(
                assertThrows(IllegalStateException.class, v::asDouble, where)
                    .getMessage()
                    .isBlank(),
                where);
        default -> assertTrue(v.asDouble() == v.asDouble() || Double.isNaN(v.asDouble()), where);
      }
    }
  }

  @Test
  void aMissingValueIsNamed() {
    var text = assertThrows(NullPointerException.class, () -> PointValue.of((String) null));
    assertEquals("value", text.getMessage());
    var bytes = assertThrows(NullPointerException.class, () -> PointValue.of((byte[]) null));
    assertEquals("value", bytes.getMessage());
    PointId id = PointId.parse("tank/level");
    var sample =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PointSample(id, null, Quality.GOOD, Instant.EPOCH));
    assertTrue(sample.getMessage().contains("tank/level"), sample.getMessage());
  }
}
