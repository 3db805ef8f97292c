package io.edgerule.daemon.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.Wat;
import io.edgerule.mqtt.MqttTransport;
import io.edgerule.mqtt.TransportConfig;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.ota.device.MqttLink;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.ImagePublisher;
import io.edgerule.ota.fleet.RollbackSwitch;
import io.edgerule.ota.fleet.RollbackSwitches;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutImage;
import io.edgerule.ota.fleet.RolloutJson;
import io.edgerule.ota.fleet.RolloutState;
import io.edgerule.ota.fleet.Wave;
import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageBuilder;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageManifest;
import io.edgerule.ota.image.ImageSigning;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import io.edgerule.sim.modbus.SimUnit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String GW = "ota-gw";
  private static final FleetTopics TOPICS = new FleetTopics("edgerule");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFEST =
      "name: setter\ninputs: [tank/level]\nwritable_points: [tank/out]\n";
  private static final int OUT = 4; // the holding register the rule writes

  @TempDir Path tmp;

  /**
   * A rule that writes {@code value} to tank/out on every batch (the integrity report feeds it).
   */
  private byte[] setter(String name, long value) throws Exception {
    String body =
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (drop (call $write_i64 (global.get $out) (i64.const "
            + value
            + "))) (i32.const 0))";
    return Files.readAllBytes(Wat.compile(Wat.rule("", body), tmp.resolve(name + ".wasm")));
  }

  /** The same rule, but every call traps. */
  private byte[] trapping() throws Exception {
    String body =
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (unreachable))";
    return Files.readAllBytes(Wat.compile(Wat.rule("", body), tmp.resolve("trap.wasm")));
  }

  private static byte[] image(String version, long sv, byte[] wasm, Signer signer)
      throws Exception {
    Instant now = Instant.now();
    byte[] unsigned =
        ImageBuilder.build(
            new ImageBuilder.Header(
                "plant",
                version,
                sv,
                now.minusSeconds(60),
                now.plus(Duration.ofDays(1)),
                new ImageManifest.Compatibility(
                    GatewayVersion.parse("0.0.1"), Optional.empty(), 1)),
            List.of(
                new ImageBuilder.RuleFiles(
                    wasm,
                    MANIFEST.getBytes(StandardCharsets.UTF_8),
                    Optional.empty(),
                    Optional.empty())),
            List.of("setter"));
    return ImageSigning.sign(unsigned, version + ".rimg", signer, ImageLimits.defaults());
  }

  private static TrustRoot root(Signer key) throws Exception {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                1,
                Instant.now().plus(Duration.ofDays(365)),
                1,
                1,
                List.of(key.publicKey()),
                Set.of()));
    byte[] sig = key.sign(Pae.encode(Pae.ROOT_TYPE, r.payload()));
    return r.withSignature(new SignatureEntry(key.publicKey().id(), sig));
  }

  /** Publishes the image's chunks and index, then a rollout of it with this gateway as canary. */
  private static RolloutImage rollOut(MqttLink fleet, String id, long revision, byte[] file)
      throws Exception {
    ImagePublisher.publish(fleet, "edgerule", file, 1024)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    RolloutImage img = ImagePublisher.describe(file, id + ".rimg");
    Instant t = Instant.now().minusSeconds(1);
    Wave canary =
        new Wave(List.of(GW), 0, 1, 100, 0, Duration.ofMinutes(1), Duration.ofHours(1), false);
    Rollout r =
        new Rollout(
            id, revision, img, RolloutState.RUNNING, 0, false, List.of(canary), t, t, t, "");
    fleet
        .publish(TOPICS.rollout(), RolloutJson.write(r), 1, true)
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    return img;
  }

  private static JsonNode awaitJson(MqttProbe probe, String topic, Predicate<JsonNode> match)
      throws Exception {
    MqttProbe.Message m =
        probe.await(msg -> msg.topic().equals(topic) && match.test(parse(msg.payload())), WAIT);
    return parse(m.payload());
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }

  private static Predicate<JsonNode> status(String state, String version) {
    return n ->
        n.path("state").asText().equals(state)
            && n.path("image").path("version").asText().equals(version);
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
    Files.write(tmp.resolve("root.json"), root(release).envelope());
    Files.write(tmp.resolve("setter.wasm"), setter("v1", 1));
    Files.writeString(tmp.resolve("setter.yaml"), MANIFEST);
    String statusTopic = TOPICS.status(GW);
    String rollbackTopic = GatewayOta.rollbackReportTopic(TOPICS, GW);

    try (Mosquitto broker = Mosquitto.start(tmp);
        ModbusTcpSimulator sim =
            ModbusTcpSimulator.start(
                ModbusSimConfig.builder()
                    .port(0)
                    .manualTicks()
                    .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 8))
                    .build());
        MqttProbe probe = new MqttProbe(broker.uri(), "edgerule/" + GW + "/ota/#");
        MqttTransport fleetTransport =
            new MqttTransport(
                TransportConfig.builder(broker.uri(), "fleet-" + System.nanoTime()).build())) {
      fleetTransport.start();
      Poll.until(fleetTransport::isConnected, WAIT, "the fleet's client connected");
      MqttLink fleet = MqttLink.of(fleetTransport);
      Path configFile = tmp.resolve("gateway.yaml");
      Files.writeString(
          configFile,
          """
          gateway:
            id: %s
            state_dir: state
          devices:
            - protocol: modbus-tcp
              name: tank
              host: 127.0.0.1
              port: %d
              poll_interval: 100ms
              timeout: 2s
              integrity_interval: 200ms
              points:
                - {name: level, table: holding_register, address: 0, type: int16}
                - {name: out, table: holding_register, address: %d, type: int16, writable: true}
          rules:
            - {name: setter, wasm: setter.wasm}
          mqtt:
            broker: %s
          http:
            enabled: false
          ota:
            enabled: true
            trust_root: root.json
            shadow: 0
            trial_window: 2s
            check_every: 100ms
          """
              .formatted(GW, sim.port(), OUT, broker.uri()));
      GatewayConfig config = new ConfigLoader(Factories.installed()).load(configFile);
      SimUnit unit = sim.unit();
      try (Gateway gw =
          Gateway.start(config, Factories.installed(), GatewayListener.NONE, Clock.systemUTC())) {
        runs(unit, 1, "the config's rule writes 1");

        // A signed image: downloaded, verified, tried, committed; its rule runs.
        rollOut(fleet, "r-a", 1, image("2.0.0", 1, setter("a", 2), release));
        JsonNode committed = awaitJson(probe, statusTopic, status("COMMITTED", "2.0.0"));
        assertEquals("2.0.0", committed.path("running").path("version").asText());
        for (String s : List.of("DOWNLOADING", "STAGED", "TRIAL")) {
          awaitJson(probe, statusTopic, status(s, "2.0.0")); // every transition was reported
        }
        runs(unit, 2, "image 2.0.0's rule writes 2");

        // An image whose rule traps live: the health gate rolls it back by itself.
        rollOut(fleet, "r-b", 2, image("2.1.0", 2, trapping(), release));
        JsonNode rolledBack = awaitJson(probe, statusTopic, status("ROLLED_BACK", "2.1.0"));
        assertTrue(
            rolledBack.path("detail").asText().startsWith("health gate:"), rolledBack.toString());
        assertEquals("2.0.0", rolledBack.path("running").path("version").asText());
        runs(unit, 2, "image 2.0.0's rule runs again after the rollback");

        // An image signed by a key the trust root does not list: refused, the rule runs on.
        rollOut(fleet, "r-x", 3, image("6.6.6", 6, setter("x", 6), stranger));
        JsonNode rejected =
            awaitJson(
                probe,
                statusTopic,
                n ->
                    n.path("state").asText().equals("REJECTED")
                        && n.path("detail").asText().contains("6.6.6"));
        String why = rejected.path("detail").asText();
        assertTrue(why.contains("UNKNOWN_KEY") && why.contains("does not list"), why);
        assertEquals("2.0.0", rejected.path("running").path("version").asText());
        runs(unit, 2, "image 2.0.0's rule still runs after the refused image");

        // A third image committed, the one the switch will name.
        RolloutImage c = rollOut(fleet, "r-c", 4, image("3.0.0", 3, setter("c", 3), release));
        awaitJson(probe, statusTopic, status("COMMITTED", "3.0.0"));
        runs(unit, 3, "image 3.0.0's rule writes 3");

        // A switch signed by an unknown key is refused, reported, and changes nothing.
        Instant now = Instant.now();
        RollbackSwitch forged =
            new RollbackSwitch(
                "rb-0", "r-c", c, List.of(), now.minusSeconds(1), now.plusSeconds(3600), "forged");
        fleet
            .publish(
                TOPICS.rollback("rb-0"),
                RollbackSwitches.unsigned(forged).signedBy(stranger).bytes(),
                1,
                true)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        JsonNode refused =
            awaitJson(probe, rollbackTopic, n -> n.path("switch").asText().equals("rb-0"));
        assertEquals("REFUSED", refused.path("result").asText(), refused.toString());
        assertTrue(refused.path("detail").asText().contains("UNKNOWN_KEY"), refused.toString());
        assertEquals("3.0.0", gw.ota().updater().status().running().version());
        runs(unit, 3, "image 3.0.0's rule still runs after the refused switch");

        // A signed switch: back to the image committed before (2.0.0), reported on both topics.
        RollbackSwitch sw =
            new RollbackSwitch(
                "rb-1", "r-c", c, List.of(), now.minusSeconds(1), now.plusSeconds(3600), "test");
        fleet
            .publish(
                TOPICS.rollback("rb-1"),
                RollbackSwitches.unsigned(sw).signedBy(release).bytes(),
                1,
                true)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
        JsonNode back = awaitJson(probe, statusTopic, status("ROLLED_BACK", "3.0.0"));
        assertEquals("rollback switch rb-1: test", back.path("detail").asText());
        assertEquals("2.0.0", back.path("running").path("version").asText());
        JsonNode applied =
            awaitJson(probe, rollbackTopic, n -> n.path("switch").asText().equals("rb-1"));
        assertEquals("APPLIED", applied.path("result").asText(), applied.toString());
        runs(unit, 2, "image 2.0.0's rule runs again after the switch");
      }

      // What the broker keeps for the fleet: the last transition and the last switch handled.
      try (MqttProbe late = new MqttProbe(broker.uri(), statusTopic, rollbackTopic)) {
        MqttProbe.Message kept =
            late.await(m -> m.topic().equals(statusTopic) && m.retained(), WAIT);
        JsonNode k = parse(kept.payload());
        assertEquals("ROLLED_BACK", k.path("state").asText(), kept.payload());
        assertEquals("2.0.0", k.path("running").path("version").asText(), kept.payload());
        MqttProbe.Message sw = late.await(m -> m.topic().equals(rollbackTopic), WAIT);
        assertTrue(sw.retained() && sw.payload().contains("\"APPLIED\""), sw.toString());
      }

      // Restarted: the retained switch arrives again and changes nothing; 2.0.0 still runs.
      try (Gateway again =
          Gateway.start(config, Factories.installed(), GatewayListener.NONE, Clock.systemUTC())) {
        assertEquals("2.0.0", again.ota().updater().status().running().version());
        runs(unit, 2, "image 2.0.0's rule runs after the restart");
      }
    }
  }
}
