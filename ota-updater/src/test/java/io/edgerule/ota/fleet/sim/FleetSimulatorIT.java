package io.edgerule.ota.fleet.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.ota.fleet.RolloutState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 virtual gateways, each with the real device side (image store, updater with trial and
 * health gate, rollout follower, MQTT download), against a real Mosquitto: B's rules trap on 20 %
 * of them. The rollout must stop at wave 1 (the first wave that reaches the failing gateways), no
 * gateway of a later wave may ever hear of B, and the signed rollback switch must bring every one
 * of the 1,000 back to A.
 */
class FleetSimulatorIT {
  @TempDir Path tmp;

  @Test
  void aFailingShareStopsTheRolloutAtItsWaveAndTheSwitchBringsEveryGatewayBack() throws Exception {
    Path work = FleetSimMain.workDir(tmp);
    try (Mosquitto broker =
        Mosquitto.start(tmp, null, List.of("max_queued_messages 0", "sys_interval 1"))) {
      FleetScenario.Result r =
          FleetScenario.run(
              new FleetScenario.Settings(
                  broker.uri(),
                  1000,
                  10,
                  0.20,
                  8,
                  work,
                  Path.of("..", "examples", "rules"),
                  Duration.ofMillis(200),
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(150)),
              System.out);
      assertEquals(RolloutState.ABORTED, r.end().state(), r.end().reason());
      assertEquals(1, r.end().wave(), "stopped at the first percentage wave: " + r.end().reason());
      assertTrue(r.end().reason().contains("failed >"), r.end().reason());
      assertEquals(1, r.highestWave(), "no later wave was ever published");
      assertEquals(List.of(), r.laterWavesTouched(), "gateways of later waves never heard of B");
      assertTrue(r.failedB() > 0 && r.committedB() >= 2, r.figures());
      assertEquals(List.of(), r.notBack(), "every one of the 1,000 gateways runs A again");
      assertEquals(0, r.publishFailures(), "no status or report was lost");
      assertTrue(r.auditIntact(), "the audit chain");
    } finally {
      FleetSimMain.delete(work);
    }
  }
}
