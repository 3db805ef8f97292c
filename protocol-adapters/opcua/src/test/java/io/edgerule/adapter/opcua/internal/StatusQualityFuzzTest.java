package io.edgerule.adapter.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.edgerule.adapter.Quality;
import java.util.SplittableRandom;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.junit.jupiter.api.Test;

/** Every status code a server can send, known or not, maps to a quality with a reason. */
class StatusQualityFuzzTest {
  private static final long SEED = 0x5EED_2004L;

  @Test
  void theSeverityBitsChooseTheQualityAndBadOnesHaveAReason() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 20_000; n++) {
      long code = r.nextInt(4) == 0 ? r.nextLong() : r.nextLong(0, 0x1_0000_0000L);
      String where = "seed " + SEED + " case " + n + ": 0x" + Long.toHexString(code);
      Quality q = StatusQuality.of(new StatusCode(code));
      assertNotNull(q, where);
      long severity = (code >>> 30) & 0b11;
      Quality.Status expected =
          severity == 0
              ? Quality.Status.GOOD
              : severity == 1 ? Quality.Status.UNCERTAIN : Quality.Status.BAD;
      assertEquals(expected, q.status(), where);
      if (!q.isGood()) {
        assertFalse(q.reason().isBlank(), where);
      }
      assertFalse(Errors.describeStatus(code).isBlank(), where);
    }
  }
}
