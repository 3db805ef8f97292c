package io.edgerule.ota.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RolloutTargetTest {
  @Test
  void theBucketIsAStableHashOfTheGatewayId() {
    // Vectors (SHA-256 of the id, first 4 bytes unsigned, mod 10,000; computed with Python's
    // hashlib): the controller and gateways of every version must agree on them.
    assertEquals(6439, RolloutTarget.bucket("gw-1")); // f5135b27
    assertEquals(4299, RolloutTarget.bucket("gw-001")); // a4ba2bab
    assertEquals(9104, RolloutTarget.bucket("plant-42")); // ee02c5c0
    assertEquals(RolloutTarget.bucket("gw-1"), RolloutTarget.bucket("gw-1"));
  }

  @Test
  void percentagesCoverAboutTheirShareAndGrowCumulatively() {
    Rollout r = Rollouts.running(0, Rollouts.wave(10), Rollouts.wave(50), Rollouts.wave(100));
    int[] first = new int[3];
    for (int i = 0; i < 10_000; i++) {
      int w = RolloutTarget.waveOf(r, "gw-" + i);
      assertTrue(w >= 0, "100 % covers every gateway");
      first[w]++;
    }
    // 10 % +- 1.5 %, 40 % +- 2 % (a hash, not an exact split)
    assertTrue(Math.abs(first[0] - 1000) < 150, "wave 0: " + first[0]);
    assertTrue(Math.abs(first[1] - 4000) < 200, "wave 1 adds: " + first[1]);
    assertEquals(10_000, first[0] + first[1] + first[2]);
  }

  @Test
  void aGatewayInstallsOnceItsWaveIsReachedAndTheRolloutRuns() {
    Rollout r = Rollouts.running(0, Rollouts.canary("gw-c"), Rollouts.wave(100));
    assertTrue(RolloutTarget.forGateway(r, "gw-c").install());
    assertEquals(0, RolloutTarget.forGateway(r, "gw-c").wave());
    RolloutTarget other = RolloutTarget.forGateway(r, "gw-x");
    assertFalse(other.install());
    assertEquals(1, other.wave());
    Rollout wave1 = r.next(RolloutState.RUNNING, 1, false, Rollouts.T0, "");
    assertTrue(RolloutTarget.forGateway(wave1, "gw-x").install());
    for (RolloutState s : new RolloutState[] {RolloutState.PAUSED, RolloutState.ABORTED}) {
      RolloutTarget t = RolloutTarget.forGateway(wave1.next(s, 1, false, Rollouts.T0, ""), "gw-c");
      assertFalse(t.install(), s + ": " + t.why());
    }
    assertTrue(
        RolloutTarget.forGateway(wave1.next(RolloutState.DONE, 1, false, Rollouts.T0, ""), "gw-x")
            .install(),
        "a gateway that comes online after the last wave still gets the image");
    Rollout partial = Rollouts.running(0, Rollouts.canary("gw-c"));
    assertEquals(-1, RolloutTarget.forGateway(partial, "gw-x").wave());
  }
}
