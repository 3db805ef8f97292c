package io.edgerule.ota.fleet.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.HiveMq;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.mqtt.testing.TestBroker;
import io.edgerule.ota.fleet.RolloutState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Virtual gateways, each with the real device side (image store, updater with trial and health
 * gate, rollout follower, MQTT download), against two independent brokers: 1,000 on Mosquitto (a
 * separate process) and 300 on HiveMQ CE (in this JVM). B's rules trap on 20 % of them. The
 * controller is killed in the middle of wave 1 and another one carries on from the broker's
 * retained truth. The rollout must stop at wave 1 (the first wave that reaches the failing
 * gateways), as it does without the restart; no wave may start twice and no gateway of a later wave
 * may ever hear of B; the audit chain written by both controllers must hold; and the signed
 * rollback switch must bring every gateway back to A.
 */
class FleetSimulatorIT {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(TestBroker.Kind.class)
  void aFailingShareStopsTheRolloutAtItsWaveAcrossAControllerRestartAndTheSwitchBringsAllBack(
      TestBroker.Kind kind) throws Exception {
    Path work = FleetSimMain.workDir(tmp);
    // Mosquitto: unbounded QoS 1 queues (1000 by default, see docs/reference/ota-topics.md) and
    // $SYS totals every second. HiveMQ: its defaults.
    int gateways = kind == TestBroker.Kind.MOSQUITTO ? 1000 : 300;
    try (TestBroker broker =
        kind == TestBroker.Kind.MOSQUITTO
            ? Mosquitto.start(tmp, null, List.of("max_queued_messages 0", "sys_interval 1"))
            : HiveMq.start(tmp)) {
      FleetScenario.Result r =
          FleetScenario.run(
              new FleetScenario.Settings(
                  broker.uri(),
                  broker::publishTotals,
                  gateways,
                  gateways / 100,
                  0.20,
                  8,
                  work,
                  Path.of("..", "examples", "rules"),
                  Duration.ofMillis(200),
                  Duration.ofSeconds(1),
                  Duration.ofSeconds(150),
                  true),
              System.out);
      assertEquals(RolloutState.ABORTED, r.end().state(), r.end().reason());
      assertEquals(1, r.end().wave(), "stopped at the first percentage wave: " + r.end().reason());
      assertTrue(r.end().reason().contains("failed >"), r.end().reason());
      assertEquals(1, r.highestWave(), "no later wave was ever published");
      assertEquals(List.of(), r.laterWavesTouched(), "gateways of later waves never heard of B");
      assertTrue(r.failedB() > 0 && r.committedB() >= 2, r.figures());
      assertEquals(List.of(), r.notBack(), "every gateway runs A again");
      assertEquals(0, r.publishFailures(), "no status or report was lost");

      MidWaveRestart restart = r.restart().orElseThrow();
      assertEquals(1, restart.atDeath().wave(), restart.describe());
      assertEquals(
          restart.atDeath(), restart.readByNext(), "the next controller read the broker's truth");
      assertEquals(
          gateways,
          restart.knownByNext(),
          "the next controller knew every gateway before it decided anything");
      assertTrue(r.auditIntact(), "the audit chain, written by both controllers");
      List<String> actions = r.auditActions();
      assertEquals(1, Collections.frequency(actions, "start"), actions.toString());
      assertEquals(1, Collections.frequency(actions, "next-wave"), "no wave twice: " + actions);
      assertEquals(1, Collections.frequency(actions, "abort"), actions.toString());
      assertEquals(1, Collections.frequency(actions, "rollback"), actions.toString());
    } finally {
      FleetSimMain.delete(work);
    }
  }
}
