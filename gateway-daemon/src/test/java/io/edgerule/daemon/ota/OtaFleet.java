package io.edgerule.daemon.ota;

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
import io.edgerule.ota.trust.KeyId;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What the daemon's OTA ITs start from (as {@code SignedFleetFiles} is for the CLI's): a real
 * Mosquitto, a Modbus simulator as the gateway's one device ({@code tank}: level in holding
 * register 0, the rule writes {@link #OUT}), a probe on the gateway's {@code ota/...} topics and
 * the fleet's own MQTT client; the gateway config they share; and the signed images, trust roots
 * and rollouts they publish, built in code so a test can also make what the CLI would refuse.
 */
final class OtaFleet implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(120);
  static final FleetTopics TOPICS = new FleetTopics("edgerule");

  /** The holding register the rule writes. */
  static final int OUT = 4;

  static final String MANIFEST =
      "name: setter\ninputs: [tank/level]\nwritable_points: [tank/out]\n";
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final String gatewayId;
  final Mosquitto broker;
  final ModbusTcpSimulator sim;
  final MqttProbe probe;

  /** The fleet's client, publishing retained as {@code edgerule fleet} does. */
  final MqttLink fleet;

  private final MqttTransport fleetTransport;

  private OtaFleet(
      Path dir,
      String gatewayId,
      Mosquitto broker,
      ModbusTcpSimulator sim,
      MqttProbe probe,
      MqttTransport fleetTransport) {
    this.dir = dir;
    this.gatewayId = gatewayId;
    this.broker = broker;
    this.sim = sim;
    this.probe = probe;
    this.fleetTransport = fleetTransport;
    this.fleet = MqttLink.of(fleetTransport);
  }

  /** Starts the broker (kept in {@code dir}), the simulator, the probe and the fleet's client. */
  static OtaFleet start(Path dir, String gatewayId) throws Exception {
    Mosquitto broker = Mosquitto.start(dir);
    ModbusTcpSimulator sim = null;
    MqttProbe probe = null;
    MqttTransport fleetTransport = null;
    try {
      sim =
          ModbusTcpSimulator.start(
              ModbusSimConfig.builder()
                  .port(0)
                  .manualTicks()
                  .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 8))
                  .build());
      probe = new MqttProbe(broker.uri(), "edgerule/" + gatewayId + "/ota/#");
      fleetTransport =
          new MqttTransport(
              TransportConfig.builder(broker.uri(), "fleet-" + System.nanoTime()).build());
      fleetTransport.start();
      Poll.until(fleetTransport::isConnected, WAIT, "the fleet's client connected");
      return new OtaFleet(dir, gatewayId, broker, sim, probe, fleetTransport);
    } catch (Exception | Error e) {
      closeAll(fleetTransport, probe, sim, broker);
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    closeAll(fleetTransport, probe, sim, broker);
  }

  private static void closeAll(AutoCloseable... all) throws Exception {
    Exception first = null;
    for (AutoCloseable c : all) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  // ---- the gateway ----

  /**
   * The gateway's config, written to {@code gateway.yaml} and loaded: the tank device on the
   * simulator, this broker, no HTTP API, OTA on with {@code root.json}, no shadow phase, the health
   * gate looking every 100 ms.
   *
   * @param rules the {@code rules:} section ("" for none)
   * @param ota more {@code ota:} settings, one per line, unindented ({@code trial_window: 2s})
   */
  GatewayConfig config(String rules, String ota) throws Exception {
    String yaml =
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
        %s
        mqtt:
          broker: %s
        http:
          enabled: false
        ota:
          enabled: true
          trust_root: root.json
          shadow: 0
          check_every: 100ms
        %s
        """
            .formatted(gatewayId, sim.port(), OUT, rules, broker.uri(), ota.indent(2));
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Factories.installed()).load(file);
  }

  /** The config's one rule, {@code setter.wasm}, writing {@code value} (for {@link #config}). */
  String setterRule(long value) throws Exception {
    Files.write(dir.resolve("setter.wasm"), setter(dir, "config", value, 0));
    Files.writeString(dir.resolve("setter.yaml"), MANIFEST);
    return "rules:\n  - {name: setter, wasm: setter.wasm}";
  }

  static Gateway startGateway(GatewayConfig config) throws Exception {
    return Gateway.start(config, Factories.installed(), GatewayListener.NONE, Clock.systemUTC());
  }

  // ---- what the fleet publishes ----

  /**
   * A rule that writes {@code value} to tank/out on every batch (the integrity report feeds it),
   * with {@code padding} incompressible bytes in a data segment so an image spans several chunks.
   */
  static byte[] setter(Path dir, String name, long value, int padding) throws Exception {
    String data = "";
    if (padding > 0) {
      byte[] noise = new byte[padding];
      new Random(value).nextBytes(noise);
      StringBuilder hex = new StringBuilder();
      for (byte b : noise) {
        hex.append(String.format("\\%02x", b & 0xff));
      }
      data = "(data (i32.const 8192) \"" + hex + "\")\n";
    }
    String body =
        data
            + "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
            + " (drop (call $write_i64 (global.get $out) (i64.const "
            + value
            + "))) (i32.const 0))";
    return Files.readAllBytes(Wat.compile(Wat.rule("", body), dir.resolve(name + ".wasm")));
  }

  /** Image plant {@code version} holding {@code wasm} as rule setter, signed by {@code signer}. */
  static byte[] image(String version, long securityVersion, byte[] wasm, Signer signer)
      throws Exception {
    Instant now = Instant.now();
    byte[] unsigned =
        ImageBuilder.build(
            new ImageBuilder.Header(
                "plant",
                version,
                securityVersion,
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

  /** Trust root v1 of one key, signed by it, for a year. */
  static TrustRoot root(Signer key) throws Exception {
    return root(1, Instant.now().plus(Duration.ofDays(365)), List.of(key), Set.of(), key);
  }

  /** A trust root with thresholds 1, signed by {@code signers} (any: the test decides). */
  static TrustRoot root(
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

  /** Publishes {@code payload} retained and waits for the broker's acknowledgement. */
  void put(String topic, byte[] payload) throws Exception {
    fleet.publish(topic, payload, 1, true).toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /**
   * Publishes the image's chunks (1 KiB) and index, then a rollout of it with this gateway as
   * canary.
   */
  RolloutImage rollOut(String id, long revision, byte[] file) throws Exception {
    return rollOut(id, revision, file, 1024, true, List.of());
  }

  /**
   * Publishes the image's index (and its chunks if {@code chunks}), then a rollout of it naming
   * {@code urls}, with this gateway as canary.
   */
  RolloutImage rollOut(
      String id, long revision, byte[] file, int chunkSize, boolean chunks, List<URI> urls)
      throws Exception {
    (chunks
            ? ImagePublisher.publish(fleet, "edgerule", file, chunkSize)
            : ImagePublisher.publishIndex(fleet, "edgerule", file, chunkSize))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    RolloutImage img = ImagePublisher.describe(file, id + ".rimg").withUrls(urls);
    Instant t = Instant.now().minusSeconds(1);
    Wave canary =
        new Wave(
            List.of(gatewayId), 0, 1, 100, 0, Duration.ofMinutes(1), Duration.ofHours(1), false);
    Rollout r =
        new Rollout(
            id, revision, img, RolloutState.RUNNING, 0, false, List.of(canary), t, t, t, "");
    put(TOPICS.rollout(), RolloutJson.write(r));
    return img;
  }

  // ---- what the gateway reports ----

  String statusTopic() {
    return TOPICS.status(gatewayId);
  }

  /** The first message on {@code topic} (retained ones included) that {@code match}es. */
  JsonNode awaitJson(String topic, Predicate<JsonNode> match) throws Exception {
    MqttProbe.Message m =
        probe.await(msg -> msg.topic().equals(topic) && match.test(parse(msg.payload())), WAIT);
    return parse(m.payload());
  }

  JsonNode awaitStatus(Predicate<JsonNode> match) throws Exception {
    return awaitJson(statusTopic(), match);
  }

  static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }

  /** An {@code ota/status} in {@code state} for image version {@code version}. */
  static Predicate<JsonNode> status(String state, String version) {
    return n ->
        n.path("state").asText().equals(state)
            && n.path("image").path("version").asText().equals(version);
  }
}
