package io.edgerule.daemon.ota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.cli.EdgeruleCommand;
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
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutImage;
import io.edgerule.ota.fleet.RolloutJson;
import io.edgerule.ota.fleet.RolloutState;
import io.edgerule.ota.fleet.TrustRootFollower;
import io.edgerule.ota.fleet.Wave;
import io.edgerule.ota.image.GatewayVersion;
import io.edgerule.ota.image.ImageBuilder;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageManifest;
import io.edgerule.ota.image.ImageSigning;
import io.edgerule.ota.trust.KeyId;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Over-the-air key rotation and revocation on a gateway following a real Mosquitto: the fleet's
 * chain of trust roots (retained on {@code edgerule/fleet/trust}) moves the gateway from root v1 to
 * v2, which drops and revokes key A and adds key C. Before, an image signed by A is committed;
 * after, an image signed by C is committed and one signed only by A is REJECTED (REVOKED_KEY). A
 * forged root, a skipped version, an expired root and a tampered byte are each refused, reported on
 * {@code ota/trust} with the reason, and change nothing. The rotation is published with {@code
 * edgerule fleet trust-root publish} (which refuses the forged root itself), seen in {@code
 * edgerule fleet status}, kept across a restart (the config still names v1), and the retained chain
 * delivered again after the restart changes nothing and reports nothing.
 */
class TrustRotationIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String GW = "trust-gw";
  private static final FleetTopics TOPICS = new FleetTopics("edgerule");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFEST =
      "name: setter\ninputs: [tank/level]\nwritable_points: [tank/out]\n";
  private static final int OUT = 4;

  @TempDir Path tmp;

  private byte[] setter(String name, long value) throws Exception {
    String body =
        "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (drop (call $write_i64 (global.get $out) (i64.const "
            + value
            + "))) (i32.const 0))";
    return Files.readAllBytes(Wat.compile(Wat.rule("", body), tmp.resolve(name + ".wasm")));
  }

  private byte[] image(String version, long sv, Signer signer) throws Exception {
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
                    setter("v" + sv, sv + 1),
                    MANIFEST.getBytes(StandardCharsets.UTF_8),
                    Optional.empty(),
                    Optional.empty())),
            List.of("setter"));
    return ImageSigning.sign(unsigned, version + ".rimg", signer, ImageLimits.defaults());
  }

  private static TrustRoot root(
      long version, Instant expires, List<Signer> keys, Set<KeyId> revoked, Signer... signers)
      throws Exception {
    TrustRoot r =
        TrustRoot.unsigned(
            new TrustRoot.Content(
                version, expires, 1, 1, keys.stream().map(Signer::publicKey).toList(), revoked));
    for (Signer s : signers) {
      byte[] sig = s.sign(Pae.encode(Pae.ROOT_TYPE, r.payload()));
      r = r.withSignature(new SignatureEntry(s.publicKey().id(), sig));
    }
    return r;
  }

  /** The chain message, written by hand so the test can publish what the CLI would refuse. */
  private static byte[] chain(TrustRoot... roots) {
    StringBuilder s = new StringBuilder("{\"type\":\"edgerule-roots/v1\",\"roots\":[");
    for (int i = 0; i < roots.length; i++) {
      s.append(i == 0 ? "" : ",")
          .append(new String(roots[i].envelope(), StandardCharsets.UTF_8).strip());
    }
    return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void put(MqttLink fleet, String topic, byte[] payload) throws Exception {
    fleet.publish(topic, payload, 1, true).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void rollOut(MqttLink fleet, String id, long revision, byte[] file)
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
    put(fleet, TOPICS.rollout(), RolloutJson.write(r));
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

  /** A file refused before its manifest was read has no image id: the detail names the file. */
  private static Predicate<JsonNode> rejected(String version) {
    return n ->
        n.path("state").asText().equals("REJECTED")
            && n.path("detail").asText().contains("plant-" + version + ".rimg");
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine c = new CommandLine(new EdgeruleCommand());
    c.setOut(new PrintWriter(out, true));
    c.setErr(new PrintWriter(err, true));
    int code = c.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A refused chain: reported with {@code reason}, and the gateway still trusts v1. */
  private static JsonNode refused(
      MqttLink fleet, MqttProbe probe, Gateway gw, byte[] chain, String reason) throws Exception {
    put(fleet, TOPICS.trust(), chain);
    JsonNode r =
        awaitJson(
            probe,
            TOPICS.trustReport(GW),
            n ->
                n.path("result").asText().equals("REFUSED")
                    && n.path("reason").asText().equals(reason));
    assertEquals(1, r.path("version").asLong(), r.toString());
    assertTrue(r.path("detail").asText().startsWith("edgerule/fleet/trust: "), r.toString());
    assertEquals(1, follower(gw).current().version());
    return r;
  }

  private static TrustRootFollower follower(Gateway gw) {
    return gw.ota().trustFollower().orElseThrow();
  }

  @Test
  void rotatesOverMqttRevokesAKeyRefusesBadRootsAndKeepsTheRootAcrossARestart() throws Exception {
    Signer a = SoftwareKeys.signer(SoftwareKeys.generate(), "a");
    Signer b = SoftwareKeys.signer(SoftwareKeys.generate(), "b");
    Signer c = SoftwareKeys.signer(SoftwareKeys.generate(), "c");
    Instant year = Instant.now().plus(Duration.ofDays(365));
    TrustRoot v1 = root(1, year, List.of(a, b), Set.of(), a, b);
    KeyId revokedA = a.publicKey().id();
    TrustRoot v2 = root(2, year, List.of(b, c), Set.of(revokedA), b, c);
    Path v1File = Files.write(tmp.resolve("root.json"), v1.envelope());
    Path v2File = Files.write(tmp.resolve("root-v2.json"), v2.envelope());
    TrustRoot forged = root(2, year, List.of(c), Set.of(revokedA), c);
    Path forgedFile = Files.write(tmp.resolve("forged.json"), forged.envelope());
    Files.write(tmp.resolve("setter.wasm"), setter("config", 1));
    Files.writeString(tmp.resolve("setter.yaml"), MANIFEST);
    String statusTopic = TOPICS.status(GW);
    String trustTopic = TOPICS.trustReport(GW);

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
      Path kept = config.gateway().stateDir().resolve("trust").resolve("root.json");
      String audit = tmp.resolve("fleet-audit.jsonl").toString();

      try (Gateway gw =
          Gateway.start(config, Factories.installed(), GatewayListener.NONE, Clock.systemUTC())) {
        JsonNode start =
            awaitJson(probe, trustTopic, n -> n.path("result").asText().equals("TRUSTED"));
        assertEquals(1, start.path("version").asLong(), start.toString());

        // Under v1, an image signed by A is accepted and committed.
        rollOut(fleet, "r-1", 1, image("2.0.0", 1, a));
        awaitJson(probe, statusTopic, status("COMMITTED", "2.0.0"));

        // Roots the gateway must refuse: each reported with its reason, nothing changes.
        JsonNode f = refused(fleet, probe, gw, chain(forged), "UNKNOWN_KEY");
        assertTrue(
            f.path("detail").asText().contains("root v2 (by the keys of root v1)"), f.toString());
        TrustRoot v3 = root(3, year, List.of(b, c), Set.of(revokedA), b, c);
        JsonNode s = refused(fleet, probe, gw, chain(v3), "BAD_ROTATION");
        assertTrue(
            s.path("detail").asText().contains("root v3 does not follow root v1"), s.toString());
        TrustRoot old =
            root(2, Instant.now().minusSeconds(60), List.of(b, c), Set.of(revokedA), b, c);
        JsonNode e = refused(fleet, probe, gw, chain(old), "EXPIRED");
        assertTrue(e.path("detail").asText().contains("trust root v2 expired at"), e.toString());
        // one byte of v2's payload changed after signing (its expiry a year later)
        String y = v2.expires().toString().substring(0, 4);
        String changed =
            new String(v2.payload(), StandardCharsets.UTF_8)
                .replaceFirst(y + "-", (Integer.parseInt(y) + 1) + "-");
        String tampered =
            new String(chain(v2), StandardCharsets.UTF_8)
                .replace(
                    Base64.getEncoder().encodeToString(v2.payload()),
                    Base64.getEncoder().encodeToString(changed.getBytes(StandardCharsets.UTF_8)));
        refused(fleet, probe, gw, tampered.getBytes(StandardCharsets.UTF_8), "BAD_SIGNATURE");
        assertEquals(0, follower(gw).counts().rotated());
        assertEquals(4, follower(gw).counts().refused());
        assertTrue(
            Files.readString(kept).contains(Base64.getEncoder().encodeToString(v1.payload())));

        // The operator's command refuses the forged root before any gateway sees it, then
        // publishes v2 (after the bad chain is cleared from the broker).
        put(fleet, TOPICS.trust(), new byte[0]);
        Run no =
            cli(
                "fleet",
                "trust-root",
                "publish",
                forgedFile.toString(),
                "--trusted",
                v1File.toString(),
                "--broker",
                broker.uri(),
                "--audit",
                audit);
        assertEquals(1, no.code(), no.out() + no.err());
        assertTrue(no.err().contains("gateways would refuse it (UNKNOWN_KEY)"), no.err());
        Run yes =
            cli(
                "fleet",
                "trust-root",
                "publish",
                v2File.toString(),
                "--trusted",
                v1File.toString(),
                "--broker",
                broker.uri(),
                "--audit",
                audit);
        assertEquals(0, yes.code(), yes.out() + yes.err());
        assertTrue(
            yes.out().contains("published trust root v2 on edgerule/fleet/trust"), yes.out());

        JsonNode rotated =
            awaitJson(probe, trustTopic, n -> n.path("result").asText().equals("ROTATED"));
        assertEquals(2, rotated.path("version").asLong(), rotated.toString());
        assertEquals("edgerule/fleet/trust: root v1 -> v2", rotated.path("detail").asText());
        assertEquals(2, follower(gw).current().version());

        // Under v2: C signs, A (revoked) no longer does.
        rollOut(fleet, "r-2", 2, image("3.0.0", 2, c));
        awaitJson(probe, statusTopic, status("COMMITTED", "3.0.0"));
        rollOut(fleet, "r-3", 3, image("4.0.0", 3, a));
        JsonNode rejected = awaitJson(probe, statusTopic, rejected("4.0.0"));
        String why = rejected.path("detail").asText();
        assertTrue(why.contains("REVOKED_KEY") && why.contains("trust root v2 revokes"), why);
        assertEquals("3.0.0", rejected.path("running").path("version").asText());

        // The fleet sees which root each gateway holds.
        Run shown = cli("fleet", "status", "--broker", broker.uri());
        assertEquals(0, shown.code(), shown.out() + shown.err());
        assertTrue(shown.out().contains("root v2"), shown.out());
        assertTrue(shown.out().contains("trust roots: {v2=1}"), shown.out());
      }

      // Restarted with the same config (still naming v1): v2 is kept and used; the retained
      // chain arrives again and changes nothing, reports nothing.
      assertTrue(Files.readString(kept).contains(Base64.getEncoder().encodeToString(v2.payload())));
      try (Gateway again =
          Gateway.start(config, Factories.installed(), GatewayListener.NONE, Clock.systemUTC())) {
        JsonNode start =
            awaitJson(
                probe,
                trustTopic,
                n ->
                    n.path("result").asText().equals("TRUSTED") && n.path("version").asLong() == 2);
        assertTrue(start.path("detail").asText().contains("root v2 kept in"), start.toString());
        TrustRootFollower f2 = follower(again);
        Poll.until(() -> f2.counts().received() >= 1, WAIT, "the retained chain arrived again");
        TrustRootFollower.Counts n = f2.counts();
        assertEquals(1, n.received(), n.toString());
        assertEquals(1, n.ignored(), n.toString());
        assertEquals(0, n.rotated() + n.refused() + n.failed(), n.toString());
        assertEquals(1, n.reports(), "only the start report: " + n);

        rollOut(fleet, "r-4", 4, image("5.0.0", 4, a));
        JsonNode stillRevoked = awaitJson(probe, statusTopic, rejected("5.0.0"));
        assertTrue(
            stillRevoked.path("detail").asText().contains("REVOKED_KEY"), stillRevoked.toString());
      }
    }
  }
}
