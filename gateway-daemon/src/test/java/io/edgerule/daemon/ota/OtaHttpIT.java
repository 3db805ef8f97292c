package io.edgerule.daemon.ota;

import static io.edgerule.daemon.ota.OtaFleet.TOPICS;
import static io.edgerule.daemon.ota.OtaFleet.WAIT;
import static io.edgerule.daemon.ota.OtaFleet.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.mqtt.testing.TestPki;
import io.edgerule.ota.device.HttpImageFetch;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  private static final String GW = "ota-http-gw";
  private static final ObjectMapper JSON = new ObjectMapper();
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

  /** Image plant {@code version}, several chunks long, signed by {@code signer}. */
  private byte[] image(String version, long sv, Signer signer) throws Exception {
    return OtaFleet.image(version, sv, OtaFleet.setter(tmp, "r" + sv, sv, 6000), signer);
  }

  /**
   * Publishes the image's index (and its chunks if {@code chunks}), then a rollout of it at {@code
   * url} with this gateway as canary.
   */
  private static void rollOut(
      OtaFleet fleet, String id, long revision, byte[] file, boolean chunks, String url)
      throws Exception {
    fleet.rollOut(id, revision, file, CHUNK, chunks, List.of(URI.create(url)));
  }

  private static List<JsonNode> statuses(MqttProbe probe, String version) {
    return probe.all().stream()
        .filter(m -> m.topic().equals(TOPICS.status(GW)))
        .map(m -> OtaFleet.parse(m.payload()))
        .filter(n -> n.path("image").path("version").asText().equals(version))
        .toList();
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

  /** The OTA settings of this test's gateway: the HTTPS server's host, the test CA. */
  private static String ota(boolean fallback) {
    return """
        trial_window: 1s
        chunk_timeout: 60s
        download_timeout: 5m
        http:
          hosts: [127.0.0.1]
          ca_file: ca.pem
          mqtt_fallback: %s
        """
        .formatted(fallback);
  }

  @Test
  void downloadsOverHttpsResumesAndRefusesWhatItMust() throws Exception {
    Signer release = SoftwareKeys.signer(SoftwareKeys.generate(), "release");
    Files.write(tmp.resolve("root.json"), OtaFleet.root(release).envelope());
    TestPki.Issued ca = TestPki.ca("ota-http-test-ca");
    TestPki.Issued server = TestPki.server(ca, "127.0.0.1", List.of("127.0.0.1", "localhost"));
    TestPki.writeCertificates(tmp.resolve("ca.pem"), ca.certificate());
    Path cert = TestPki.writeCertificates(tmp.resolve("server.pem"), server.certificate());
    Path key = TestPki.writePkcs8(tmp.resolve("server-key.pem"), server.privateKey());
    Path www = Files.createDirectories(tmp.resolve("www"));

    try (OtaFleet fleet = OtaFleet.start(tmp, GW);
        Served https = serve("https", www, cert, key);
        Served plain = serve("plain", www, null, null)) {
      MqttProbe probe = fleet.probe;
      String base = "https://127.0.0.1:" + https.port();
      GatewayConfig strict = fleet.config("", ota(false));
      GatewayConfig withFallback = fleet.config("", ota(true));
      byte[] g = image("2.5.0", 6, release); // downloaded across a restart

      try (Gateway gw = OtaFleet.startGateway(strict)) {
        // Over HTTPS only (the broker holds the index, no chunk): downloaded, verified, committed.
        byte[] a = image("2.0.0", 1, release);
        assertTrue(a.length > 5 * CHUNK, "the image spans several chunks: " + a.length);
        Files.write(www.resolve("a.rimg"), a);
        rollOut(fleet, "r-a", 1, a, false, base + "/ok/a.rimg");
        fleet.awaitStatus(status("COMMITTED", "2.0.0"));
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
        fleet.awaitStatus(
            n ->
                status("DOWNLOADING", "2.1.0").test(n)
                    && n.path("detail")
                        .asText()
                        .endsWith("/cut/b.rimg: " + held + " of " + chunks(b) + " chunks"));
        Files.createFile(www.resolve("b.rimg.cut")); // now the server cuts the connection
        fleet.awaitStatus(status("COMMITTED", "2.1.0"));
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
        JsonNode rejected = fleet.awaitStatus(status("REJECTED", "2.2.0"));
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
        why = fleet.awaitStatus(status("REJECTED", "2.3.0")).path("detail").asText();
        assertTrue(
            why.contains(elsewhere + ": host localhost is not in ota.http.hosts [127.0.0.1]"), why);
        assertEquals(connections, https.connections(), "the server saw no connection");

        // Plain http is refused unless allowed: the plain server sees nothing at all.
        byte[] f = image("2.4.0", 5, release);
        Files.write(www.resolve("f.rimg"), f);
        String plainUrl = "http://127.0.0.1:" + plain.port() + "/ok/f.rimg";
        rollOut(fleet, "r-f", 5, f, false, plainUrl);
        why = fleet.awaitStatus(status("REJECTED", "2.4.0")).path("detail").asText();
        assertTrue(why.contains(plainUrl + ": plain http:// refused"), why);
        assertEquals(List.of(), plain.events(), "the plain server saw nothing");

        // A download stalls after three chunks; the gateway stops in the middle of it.
        Files.write(www.resolve("g.rimg"), g);
        rollOut(fleet, "r-g", 6, g, false, base + "/stall/g.rimg");
        fleet.awaitStatus(
            n ->
                status("DOWNLOADING", "2.5.0").test(n)
                    && n.path("detail")
                        .asText()
                        .endsWith("/stall/g.rimg: 3 of " + chunks(g) + " chunks"));
      }

      // Started again: the download goes on from the part file with a Range request.
      try (Gateway gw = OtaFleet.startGateway(withFallback)) {
        fleet.awaitStatus(status("COMMITTED", "2.5.0"));
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
        fleet.awaitStatus(status("COMMITTED", "2.6.0"));
        assertTrue(downloadedOver(probe, "2.6.0", "over MQTT (the URLs failed): "));
        assertEquals(
            1 + HttpImageFetch.MAX_FRUITLESS_ATTEMPTS,
            https.requests("/bad/d.rimg", 1 + HttpImageFetch.MAX_FRUITLESS_ATTEMPTS).size());
        assertEquals("2.6.0", gw.ota().updater().status().running().version());
      }
    }
  }
}
