package io.edgerule.daemon.ota;

import static io.edgerule.daemon.ota.OtaFleet.OUT;
import static io.edgerule.daemon.ota.OtaFleet.TOPICS;
import static io.edgerule.daemon.ota.OtaFleet.WAIT;
import static io.edgerule.daemon.ota.OtaFleet.image;
import static io.edgerule.daemon.ota.OtaFleet.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.Wat;
import io.edgerule.ota.fleet.RollbackSwitch;
import io.edgerule.ota.fleet.RollbackSwitches;
import io.edgerule.ota.fleet.RolloutImage;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.sim.modbus.SimUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway with {@code ota.enabled} follows the fleet over a real Mosquitto, with a Modbus
 * simulator as its device: signed images and rollout documents published as {@code edgerule fleet}
 * publishes them, the rule's effect seen at the device (the register it writes), every transition
 * seen on the gateway's retained {@code ota/status}. Committed, rolled back by the health gate,
 * rejected for an unknown key, and returned from by a signed rollback switch (an unsigned one is
 * refused and changes nothing).
 */
class OtaRolloutIT {
  private static final String GW = "ota-gw";

  @TempDir Path tmp;

  /** A rule that writes {@code value} to tank/out on every batch. */
  private byte[] setter(String name, long value) throws Exception {
    return OtaFleet.setter(tmp, name, value, 0);
  }

  /** The same rule, but every call traps. */
  private byte[] trapping() throws Exception {
    String body =
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (unreachable))";
    return Files.readAllBytes(Wat.compile(Wat.rule("", body), tmp.resolve("trap.wasm")));
  }

  /** The device sees {@code value} written again after the register was cleared. */
  private static void runs(SimUnit unit, int value, String what) throws Exception {
    unit.setHoldingRegister(OUT, 0);
    Poll.until(() -> unit.holdingRegister(OUT) == value, WAIT, what);
  }

  @Test
  void followsRolloutsCommitsRollsBackRejectsAndObeysTheSwitch() throws Exception {
    Signer release = SoftwareKeys.signer(SoftwareKeys.generate(), "release");
    Signer stranger = SoftwareKeys.signer(SoftwareKeys.generate(), "stranger");
    Files.write(tmp.resolve("root.json"), OtaFleet.root(release).envelope());
    String statusTopic = TOPICS.status(GW);
    String rollbackTopic = GatewayOta.rollbackReportTopic(TOPICS, GW);

    try (OtaFleet fleet = OtaFleet.start(tmp, GW)) {
      GatewayConfig config = fleet.config(fleet.setterRule(1), "trial_window: 2s");
      SimUnit unit = fleet.sim.unit();
      try (Gateway gw = OtaFleet.startGateway(config)) {
        runs(unit, 1, "the config's rule writes 1");

        // A signed image: downloaded, verified, tried, committed; its rule runs.
        fleet.rollOut("r-a", 1, image("2.0.0", 1, setter("a", 2), release));
        JsonNode committed = fleet.awaitStatus(status("COMMITTED", "2.0.0"));
        assertEquals("2.0.0", committed.path("running").path("version").asText());
        for (String s : List.of("DOWNLOADING", "STAGED", "TRIAL")) {
          fleet.awaitStatus(status(s, "2.0.0")); // every transition was reported
        }
        runs(unit, 2, "image 2.0.0's rule writes 2");

        // An image whose rule traps live: the health gate rolls it back by itself.
        fleet.rollOut("r-b", 2, image("2.1.0", 2, trapping(), release));
        JsonNode rolledBack = fleet.awaitStatus(status("ROLLED_BACK", "2.1.0"));
        assertTrue(
            rolledBack.path("detail").asText().startsWith("health gate:"), rolledBack.toString());
        assertEquals("2.0.0", rolledBack.path("running").path("version").asText());
        runs(unit, 2, "image 2.0.0's rule runs again after the rollback");

        // An image signed by a key the trust root does not list: refused, the rule runs on.
        fleet.rollOut("r-x", 3, image("6.6.6", 6, setter("x", 6), stranger));
        JsonNode rejected =
            fleet.awaitStatus(
                n ->
                    n.path("state").asText().equals("REJECTED")
                        && n.path("detail").asText().contains("6.6.6"));
        String why = rejected.path("detail").asText();
        assertTrue(why.contains("UNKNOWN_KEY") && why.contains("does not list"), why);
        assertEquals("2.0.0", rejected.path("running").path("version").asText());
        runs(unit, 2, "image 2.0.0's rule still runs after the refused image");

        // A third image committed, the one the switch will name.
        RolloutImage c = fleet.rollOut("r-c", 4, image("3.0.0", 3, setter("c", 3), release));
        fleet.awaitStatus(status("COMMITTED", "3.0.0"));
        runs(unit, 3, "image 3.0.0's rule writes 3");

        // A switch signed by an unknown key is refused, reported, and changes nothing.
        Instant now = Instant.now();
        RollbackSwitch forged =
            new RollbackSwitch(
                "rb-0", "r-c", c, List.of(), now.minusSeconds(1), now.plusSeconds(3600), "forged");
        fleet.put(
            TOPICS.rollback("rb-0"), RollbackSwitches.unsigned(forged).signedBy(stranger).bytes());
        JsonNode refused =
            fleet.awaitJson(rollbackTopic, n -> n.path("switch").asText().equals("rb-0"));
        assertEquals("REFUSED", refused.path("result").asText(), refused.toString());
        assertTrue(refused.path("detail").asText().contains("UNKNOWN_KEY"), refused.toString());
        assertEquals("3.0.0", gw.ota().updater().status().running().version());
        runs(unit, 3, "image 3.0.0's rule still runs after the refused switch");

        // A signed switch: back to the image committed before (2.0.0), reported on both topics.
        RollbackSwitch sw =
            new RollbackSwitch(
                "rb-1", "r-c", c, List.of(), now.minusSeconds(1), now.plusSeconds(3600), "test");
        fleet.put(TOPICS.rollback("rb-1"), RollbackSwitches.unsigned(sw).signedBy(release).bytes());
        JsonNode back = fleet.awaitStatus(status("ROLLED_BACK", "3.0.0"));
        assertEquals("rollback switch rb-1: test", back.path("detail").asText());
        assertEquals("2.0.0", back.path("running").path("version").asText());
        JsonNode applied =
            fleet.awaitJson(rollbackTopic, n -> n.path("switch").asText().equals("rb-1"));
        assertEquals("APPLIED", applied.path("result").asText(), applied.toString());
        runs(unit, 2, "image 2.0.0's rule runs again after the switch");
      }

      // What the broker keeps for the fleet: the last transition and the last switch handled.
      try (MqttProbe late = new MqttProbe(fleet.broker.uri(), statusTopic, rollbackTopic)) {
        MqttProbe.Message kept =
            late.await(m -> m.topic().equals(statusTopic) && m.retained(), WAIT);
        JsonNode k = OtaFleet.parse(kept.payload());
        assertEquals("ROLLED_BACK", k.path("state").asText(), kept.payload());
        assertEquals("2.0.0", k.path("running").path("version").asText(), kept.payload());
        MqttProbe.Message sw = late.await(m -> m.topic().equals(rollbackTopic), WAIT);
        assertTrue(sw.retained() && sw.payload().contains("\"APPLIED\""), sw.toString());
      }

      // Restarted: the retained switch arrives again and changes nothing; 2.0.0 still runs.
      try (Gateway again = OtaFleet.startGateway(config)) {
        assertEquals("2.0.0", again.ota().updater().status().running().version());
        runs(unit, 2, "image 2.0.0's rule runs after the restart");
      }
    }
  }
}
