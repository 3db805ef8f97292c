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
import io.edgerule.mqtt.testing.TestPki;
import io.edgerule.ota.device.HttpImageFetch;
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
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustRoot;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway downloads rollout images from HTTPS URLs served by an independent server process
 * (python3's http.server with a Range-capable handler, {@code ota/range_server.py}, behind TLS with
 * a certificate of a private CA the gateway's {@code ota.http.ca_file} names), the index and the
 * fallback chunks over a real Mosquitto. Every chunk is checked against the index, so what the
 * server sends is only trusted once it matches: a connection cut mid-transfer resumes with Range, a
 * restart mid-download resumes from the part file, tampered bytes are refused and the image never
 * staged (or fetched over MQTT instead when the fallback is on); a host not allowed and plain http
 * are refused before any connection. What the server saw is read from its log, not inferred.
 */
class OtaHttpIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String GW = "ota-http-gw";
  private static final FleetTopics TOPICS = new FleetTopics("edgerule");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFEST =
      "name: setter\ninputs: [tank/level]\nwritable_points: [tank/out]\n";
  private static final int CHUNK = 1024;
  private static final int STALL_BYTES = 3 * CHUNK;

  @TempDir Path tmp;

  /** A server process: its port, and the log of what it saw. */
  private record Served(Process process, int port, Path log) implements AutoCloseable {
    List<JsonNode> events() throws IOException {
      List<JsonNode> out = new ArrayList<>();
      if (Files.exists(log)) {
        String text = Files.readString(log);
        // only whole lines: the server may be writing the next one
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
          if (!line.isBlank()) {
            out.add(JSON.readTree(line));
          }
        }
      }
      return out;
    }

    List<JsonNode> requests(String path) throws IOException {
      return events().stream()
          .filter(e -> e.path("event").asText().equals("request"))
          .filter(e -> e.path("path").asText().equals(path))
          .toList();
    }

    /**
     * The requests for {@code path} once there are {@code n} (a line is written when the server has
     * sent its response, which may be a moment after the client acted on it).
     */
    List<JsonNode> requests(String path, int n) throws Exception {
      Poll.until(
          () -> {
            try {
              return requests(path).size() >= n;
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          },
          WAIT,
          n + " requests for " + path + " logged");
      return requests(path);
    }

    long connections() throws IOException {
      return events().stream().filter(e -> e.path("event").asText().equals("connect")).count();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private Served serve(String name, Path root, Path cert, Path key) throws Exception {
    Path script = tmp.resolve("range_server.py");
    if (!Files.exists(script)) {
      try (var in = OtaHttpIT.class.getResourceAsStream("/ota/range_server.py")) {
        Files.write(script, in.readAllBytes());
      }
    }
    Path portFile = tmp.resolve(name + ".port");
    Path log = tmp.resolve(name + ".jsonl");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "python3",
            script.toString(),
            "--root",
            root.toString(),
            "--log",
            log.toString(),
            "--port-file",
            portFile.toString(),
            "--stall-bytes",
            Integer.toString(STALL_BYTES),
            "--bad-offset",
            Integer.toString(2 * CHUNK + 10)));
    if (cert != null) {
      cmd.addAll(List.of("--cert", cert.toString(), "--key", key.toString()));
    }
    Process p;
    try {
      p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve(name + ".out").toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError("python3 is needed (Debian package python3): " + e, e);
    }
    Poll.until(() -> Files.exists(portFile) || !p.isAlive(), WAIT, name + " server wrote its port");
    if (!p.isAlive()) {
      throw new AssertionError(
          name + " server ended: " + Files.readString(tmp.resolve(name + ".out")));
    }
    return new Served(p, Integer.parseInt(Files.readString(portFile).strip()), log);
  }

  /**
   * A rule that writes {@code value} to tank/out, with {@code padding} incompressible bytes in a
   * data segment so the image spans several chunks.
   */
  private byte[] rule(String name, long value, int padding) throws Exception {
    byte[] noise = new byte[padding];
    new Random(value).nextBytes(noise);
    StringBuilder data = new StringBuilder();
    for (byte b : noise) {
      data.append(String.format("\\%02x", b & 0xff));
    }
    String body =
        "(data (i32.const 8192) \""
            + data
            + "\")\n"
            + "(func (export \"er_on_events\") (param $ptr i32) (param $count i32) (result i32)"
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
                    rule("r" + sv, sv, 6000),
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

  /**
   * Publishes the image's index (and its chunks if {@code chunks}), then a rollout of it at {@code
   * url} with this gateway as canary.
   */
  private static void rollOut(
      MqttLink fleet, String id, long revision, byte[] file, boolean chunks, String url)
      throws Exception {
    (chunks
            ? ImagePublisher.publish(fleet, "edgerule", file, CHUNK)
            : ImagePublisher.publishIndex(fleet, "edgerule", file, CHUNK))
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    RolloutImage img =
        ImagePublisher.describe(file, id + ".rimg").withUrls(List.of(URI.create(url)));
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
  }

  private static JsonNode awaitStatus(MqttProbe probe, Predicate<JsonNode> match) throws Exception {
    String topic = TOPICS.status(GW);
    MqttProbe.Message m =
        probe.await(msg -> msg.topic().equals(topic) && match.test(parse(msg.payload())), WAIT);
    return parse(m.payload());
  }

  private static List<JsonNode> statuses(MqttProbe probe, String version) {
    return probe.all().stream()
        .filter(m -> m.topic().equals(TOPICS.status(GW)))
        .map(m -> parse(m.payload()))
        .filter(n -> n.path("image").path("version").asText().equals(version))
        .toList();
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }

  private static Predicate<JsonNode> state(String state, String version) {
    return n ->
        n.path("state").asText().equals(state)
            && n.path("image").path("version").asText().equals(version);
  }

  private static boolean downloadedOver(MqttProbe probe, String version, String source) {
    return statuses(probe, version).stream()
        .anyMatch(
            n ->
                n.path("state").asText().equals("DOWNLOADING")
                    && n.path("detail").asText().contains(source));
  }

  private static int chunks(byte[] file) {
    return (file.length + CHUNK - 1) / CHUNK;
  }

  private static long sent(List<JsonNode> requests) {
    return requests.stream().mapToLong(r -> r.path("sent").asLong()).sum();
  }

  private String config(int modbusPort, String broker, boolean fallback) {
    return """
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
              - {name: out, table: holding_register, address: 4, type: int16, writable: true}
        mqtt:
          broker: %s
        http:
          enabled: false
        ota:
          enabled: true
          trust_root: root.json
          shadow: 0
          trial_window: 1s
          check_every: 100ms
          chunk_timeout: 60s
          download_timeout: 5m
          http:
            hosts: [127.0.0.1]
            ca_file: ca.pem
            mqtt_fallback: %s
        """
        .formatted(GW, modbusPort, broker, fallback);
  }

  @Test
  void downloadsOverHttpsResumesAndRefusesWhatItMust() throws Exception {
    Signer release = SoftwareKeys.signer(SoftwareKeys.generate(), "release");
    Files.write(tmp.resolve("root.json"), root(release).envelope());
    TestPki.Issued ca = TestPki.ca("ota-http-test-ca");
    TestPki.Issued server = TestPki.server(ca, "127.0.0.1", List.of("127.0.0.1", "localhost"));
    TestPki.writeCertificates(tmp.resolve("ca.pem"), ca.certificate());
    Path cert = TestPki.writeCertificates(tmp.resolve("server.pem"), server.certificate());
    Path key = TestPki.writePkcs8(tmp.resolve("server-key.pem"), server.privateKey());
    Path www = Files.createDirectories(tmp.resolve("www"));

    try (Mosquitto broker = Mosquitto.start(tmp);
        ModbusTcpSimulator sim =
            ModbusTcpSimulator.start(
                ModbusSimConfig.builder()
                    .port(0)
                    .manualTicks()
                    .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 8))
                    .build());
        Served https = serve("https", www, cert, key);
        Served plain = serve("plain", www, null, null);
        MqttProbe probe = new MqttProbe(broker.uri(), "edgerule/" + GW + "/ota/#");
        MqttTransport fleetTransport =
            new MqttTransport(
                TransportConfig.builder(broker.uri(), "fleet-" + System.nanoTime()).build())) {
      fleetTransport.start();
      Poll.until(fleetTransport::isConnected, WAIT, "the fleet's client connected");
      MqttLink fleet = MqttLink.of(fleetTransport);
      String base = "https://127.0.0.1:" + https.port();
      Path configFile = tmp.resolve("gateway.yaml");
      Files.writeString(configFile, config(sim.port(), broker.uri(), false));
      GatewayConfig strict = new ConfigLoader(Factories.installed()).load(configFile);
      Files.writeString(configFile, config(sim.port(), broker.uri(), true));
      GatewayConfig withFallback = new ConfigLoader(Factories.installed()).load(configFile);
      byte[] g = image("2.5.0", 6, release); // downloaded across a restart

      try (Gateway gw =
          Gateway.start(strict, Factories.installed(), GatewayListener.NONE, Clock.systemUTC())) {
        // Over HTTPS only (the broker holds the index, no chunk): downloaded, verified, committed.
        byte[] a = image("2.0.0", 1, release);
        assertTrue(a.length > 5 * CHUNK, "the image spans several chunks: " + a.length);
        Files.write(www.resolve("a.rimg"), a);
        rollOut(fleet, "r-a", 1, a, false, base + "/ok/a.rimg");
        awaitStatus(probe, state("COMMITTED", "2.0.0"));
        assertTrue(downloadedOver(probe, "2.0.0", "over " + base + "/ok/a.rimg: "));
        assertEquals(
            a.length, sent(https.requests("/ok/a.rimg", 1)), "every byte once, over HTTPS");

        // The connection is cut halfway: the next request asks for the rest from the first chunk
        // not held, and nothing held is sent again.
        byte[] b = image("2.1.0", 2, release);
        Files.write(www.resolve("b.rimg"), b);
        rollOut(fleet, "r-b", 2, b, false, base + "/cut/b.rimg");
        long half = b.length / 2;
        long held = half / CHUNK; // whole chunks in the half the server sends before the cut
        awaitStatus(
            probe,
            n ->
                state("DOWNLOADING", "2.1.0").test(n)
                    && n.path("detail")
                        .asText()
                        .endsWith("/cut/b.rimg: " + held + " of " + chunks(b) + " chunks"));
        Files.createFile(www.resolve("b.rimg.cut")); // now the server cuts the connection
        awaitStatus(probe, state("COMMITTED", "2.1.0"));
        List<JsonNode> cut = https.requests("/cut/b.rimg", 2);
        assertEquals(2, cut.size(), cut.toString());
        assertEquals("bytes=0-", cut.get(0).path("range").asText(), cut.toString());
        assertEquals(half, cut.get(0).path("sent").asLong(), cut.toString());
        long resumeAt = held * CHUNK;
        assertEquals("bytes=" + resumeAt + "-", cut.get(1).path("range").asText(), cut.toString());
        assertEquals(b.length - resumeAt, cut.get(1).path("sent").asLong(), cut.toString());

        // Tampered bytes: the chunk is refused on every connection, the URL given up, and with no
        // MQTT fallback the image is rejected and never staged; 2.1.0 runs on.
        byte[] c = image("2.2.0", 3, release);
        Files.write(www.resolve("c.rimg"), c);
        rollOut(fleet, "r-c", 3, c, false, base + "/bad/c.rimg");
        JsonNode rejected = awaitStatus(probe, state("REJECTED", "2.2.0"));
        String why = rejected.path("detail").asText();
        assertTrue(
            why.contains("chunk 2 does not match its SHA-256")
                && why.contains("no MQTT fallback (ota.http.mqtt_fallback: false)"),
            why);
        assertEquals("2.1.0", rejected.path("running").path("version").asText());
        assertTrue(
            statuses(probe, "2.2.0").stream()
                .noneMatch(n -> n.path("state").asText().equals("STAGED")),
            "never staged");
        assertEquals(
            1 + HttpImageFetch.MAX_FRUITLESS_ATTEMPTS,
            https.requests("/bad/c.rimg", 1 + HttpImageFetch.MAX_FRUITLESS_ATTEMPTS).size(),
            "the first connection brought chunks 0 and 1, then five in a row were refused at"
                + " chunk 2, and the URL was given up");

        // A host not in ota.http.hosts: refused, naming it, before any connection.
        long connections = https.connections();
        byte[] e = image("2.3.0", 4, release);
        Files.write(www.resolve("e.rimg"), e);
        String elsewhere = "https://localhost:" + https.port() + "/ok/e.rimg";
        rollOut(fleet, "r-e", 4, e, false, elsewhere);
        why = awaitStatus(probe, state("REJECTED", "2.3.0")).path("detail").asText();
        assertTrue(
            why.contains(elsewhere + ": host localhost is not in ota.http.hosts [127.0.0.1]"), why);
        assertEquals(connections, https.connections(), "the server saw no connection");

        // Plain http is refused unless allowed: the plain server sees nothing at all.
        byte[] f = image("2.4.0", 5, release);
        Files.write(www.resolve("f.rimg"), f);
        String plainUrl = "http://127.0.0.1:" + plain.port() + "/ok/f.rimg";
        rollOut(fleet, "r-f", 5, f, false, plainUrl);
        why = awaitStatus(probe, state("REJECTED", "2.4.0")).path("detail").asText();
        assertTrue(why.contains(plainUrl + ": plain http:// refused"), why);
        assertEquals(List.of(), plain.events(), "the plain server saw nothing");

        // A download stalls after three chunks; the gateway stops in the middle of it.
        Files.write(www.resolve("g.rimg"), g);
        rollOut(fleet, "r-g", 6, g, false, base + "/stall/g.rimg");
        awaitStatus(
            probe,
            n ->
                state("DOWNLOADING", "2.5.0").test(n)
                    && n.path("detail")
                        .asText()
                        .endsWith("/stall/g.rimg: 3 of " + chunks(g) + " chunks"));
      }

      // Started again: the download goes on from the part file with a Range request.
      try (Gateway gw =
          Gateway.start(
              withFallback, Factories.installed(), GatewayListener.NONE, Clock.systemUTC())) {
        awaitStatus(probe, state("COMMITTED", "2.5.0"));
        List<JsonNode> stall = https.requests("/stall/g.rimg", 2);
        assertEquals(STALL_BYTES, stall.get(0).path("sent").asLong(), stall.toString());
        assertEquals(2, stall.size(), stall.toString());
        assertEquals("bytes=" + STALL_BYTES + "-", stall.get(1).path("range").asText());
        assertEquals(g.length - STALL_BYTES, stall.get(1).path("sent").asLong());

        // Tampered bytes with the MQTT fallback on: the URL is given up, the chunks held stay, and
        // the rest comes over MQTT; the image is verified and committed as ever.
        byte[] d = image("2.6.0", 7, release);
        Files.write(www.resolve("d.rimg"), d);
        rollOut(fleet, "r-d", 7, d, true, base + "/bad/d.rimg");
        awaitStatus(probe, state("COMMITTED", "2.6.0"));
        assertTrue(downloadedOver(probe, "2.6.0", "over MQTT (the URLs failed): "));
        assertEquals(
            1 + HttpImageFetch.MAX_FRUITLESS_ATTEMPTS,
            https.requests("/bad/d.rimg", 1 + HttpImageFetch.MAX_FRUITLESS_ATTEMPTS).size());
        assertEquals("2.6.0", gw.ota().updater().status().running().version());
      }
    }
  }
}
