package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CpuShareBucketTest {
  private static final long MS = 1_000_000;

  @Test
  void aRuleOverItsShareWaitsUntilItIsBackWithinIt() {
    CpuShare share = new CpuShare(0.5, 0); // half a thread: 500 ms of CPU in hand
    share.charge(400 * MS, 0);
    assertEquals(0, share.waitNanos(0), "100 ms still in hand");
    share.charge(900 * MS, 0); // now 800 ms in debt
    assertEquals(1600 * MS, share.waitNanos(0), "800 ms of CPU at half a thread: 1.6 s");
    assertEquals(600 * MS, share.waitNanos(1000 * MS));
    assertEquals(0, share.waitNanos(1600 * MS));
  }

  @Test
  void aLongIdleSpellFillsTheBucketToOneSecondsShareOnly() {
    CpuShare share = new CpuShare(0.25, 0);
    share.charge(0, Long.MAX_VALUE / 2); // centuries later
    share.charge(250 * MS, Long.MAX_VALUE / 2);
    assertEquals(0, share.waitNanos(Long.MAX_VALUE / 2));
    share.charge(100 * MS, Long.MAX_VALUE / 2);
    assertEquals(400 * MS, share.waitNanos(Long.MAX_VALUE / 2), "only 250 ms were in hand");
  }
}
