package io.edgerule.daemon.cli;

import static io.edgerule.daemon.cli.CliRun.fails;
import static io.edgerule.daemon.cli.CliRun.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.Await;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.mqtt.testing.TestBroker;
import io.edgerule.mqtt.testing.TestPki;
import io.edgerule.ota.device.ImageId;
import io.edgerule.ota.device.UpdateState;
import io.edgerule.ota.device.UpdateStatus;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.FollowReport;
import io.edgerule.ota.fleet.RollbackSwitch;
import io.edgerule.ota.fleet.RollbackSwitches;
import io.edgerule.ota.fleet.Rollout;
import io.edgerule.ota.fleet.RolloutJson;
import io.edgerule.ota.fleet.RolloutState;
import io.edgerule.ota.fleet.RolloutTarget;
import io.edgerule.ota.trust.TrustRoot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * The fleet commands against a real Mosquitto, with gateways played by retained status and follow
 * reports published by the test: publish, start (refusals and bad input first), a canary wave that
 * awaits approval, the controller ({@code rollout drive}) stopped mid-wave and started again
 * without a duplicate wave, the end of the rollout, the status commands, pause/resume, the signed
 * rollback switch with a two-key threshold, and the audit chain (intact, then tampered with). The
 * rollout with the restart runs against HiveMQ CE too (standard MQTT 3.1.1 only: any broker).
 */
class FleetCliIT {
  static final FleetTopics TOPICS = new FleetTopics("edgerule");
  static final ImageId OLD = new ImageId("plant", "1.1.0", 1);

  @TempDir Path tmp;
  TestBroker broker;
  MqttClient fleet;
  final Map<String, byte[]> seen = new ConcurrentHashMap<>();

  void start(TestBroker.Kind kind) throws Exception {
    broker = kind.start(tmp);
    fleet = new MqttClient(broker.uri(), "test-" + UUID.randomUUID(), new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    // Paho can complete a QoS 1 token before it lowers its in-flight count: back-to-back
    // synchronous
    // publishes (the 40 follow reports below) can hit the default limit of 10 ("Too many publishes
    // in progress", seen under load)
    o.setMaxInflight(1000);
    fleet.connect(o);
    fleet.subscribe("edgerule/fleet/#", 1, (t, m) -> seen.put(t, m.getPayload()));
  }

  @AfterEach
  void stop() throws Exception {
    if (fleet != null) {
      if (fleet.isConnected()) {
        fleet.disconnect();
      }
      fleet.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private String p(String name) {
    return tmp.resolve(name).toString();
  }

  /** A fleet command with the broker and audit options. */
  private String[] fleetArgs(String... args) {
    List<String> all = new ArrayList<>(List.of("fleet"));
    all.addAll(List.of(args));
    all.addAll(List.of("--broker", broker.uri(), "--audit", p("audit.jsonl")));
    return all.toArray(String[]::new);
  }

  /** A read-only fleet command: the broker option only. */
  private String[] readArgs(String... args) {
    List<String> all = new ArrayList<>(List.of("fleet"));
    all.addAll(List.of(args));
    all.addAll(List.of("--broker", broker.uri()));
    return all.toArray(String[]::new);
  }

  private Rollout retainedRollout() throws Exception {
    byte[] b = seen.get(TOPICS.rollout());
    return b == null ? null : RolloutJson.read(b, "test");
  }

  private Rollout awaitRollout(String what, java.util.function.Predicate<Rollout> p)
      throws Exception {
    AtomicReference<Rollout> last = new AtomicReference<>();
    Await.until(
        Duration.ofSeconds(90),
        () -> {
          try {
            last.set(retainedRollout());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
          return last.get() != null && p.test(last.get());
        },
        () -> what + "; the rollout is " + last.get());
    return last.get();
  }

  /** A gateway's retained reports: it has seen the rollout and ended its install as {@code s}. */
  private void gatewayReports(String gw, Rollout r, UpdateState s) throws Exception {
    ImageId img = r.image().id();
    ImageId running = s == UpdateState.COMMITTED ? img : OLD;
    Instant now = Instant.now();
    fleet.publish(TOPICS.status(gw), new UpdateStatus(img, s, "", running, now).toJson(), 1, true);
    fleet.publish(
        TOPICS.follow(gw),
        new FollowReport(
                gw, r.id(), r.revision(), RolloutTarget.waveOf(r, gw), true, "", s, running, now)
            .toJson(),
        1,
        true);
  }

  private void makeKeysAndImage(int threshold) {
    ok("keys", "generate", "--out", p("a"));
    ok("keys", "generate", "--out", p("b"));
    SignedFleetFiles.write(
        tmp,
        threshold,
        List.of(tmp.resolve("a.pub"), tmp.resolve("b.pub")),
        List.of(List.of("--key", p("a.key")), List.of("--key", p("b.key"))));
  }

  /** Runs {@code fleet rollout drive} on its own thread; its output is readable as it goes. */
  final class Driver {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final AtomicReference<Integer> code = new AtomicReference<>();
    final Thread thread;

    Driver() {
      CommandLine cli = new CommandLine(new EdgeruleCommand());
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      String[] args = fleetArgs("rollout", "drive", "--every", "100ms");
      thread = new Thread(() -> code.set(cli.execute(args)), "drive");
      thread.start();
    }

    String output() {
      synchronized (out.getBuffer()) {
        return out + err.toString();
      }
    }

    int stop() throws InterruptedException {
      thread.interrupt();
      thread.join(Duration.ofSeconds(60).toMillis());
      assertTrue(!thread.isAlive(), "drive stopped");
      return code.get();
    }

    int awaitExit() throws InterruptedException {
      thread.join(Duration.ofSeconds(120).toMillis());
      assertTrue(!thread.isAlive(), () -> "drive ended by itself: " + output());
      return code.get();
    }
  }

  @ParameterizedTest
  @EnumSource(TestBroker.Kind.class)
  void aRolloutFromPublishUntilCompletedSurvivesAControllerRestartMidWaveWithoutADuplicateWave(
      TestBroker.Kind kind) throws Exception {
    start(kind);
    makeKeysAndImage(1);
    // bad input names the option; refusals say why
    fails(2, "--broker", "fleet", "rollout", "status", "--broker", "foo://x:1");
    fails(
        2,
        "--tls-* options need an ssl://",
        "fleet",
        "status",
        "--broker",
        broker.uri(),
        "--tls-ca-file",
        p("root.json"));
    fails(1, "there is no rollout", readArgs("rollout", "status"));
    fails(
        1,
        "is not published",
        fleetArgs("rollout", "start", "--image", p("plant.rimg"), "--waves", "100"));
    fails(2, "has no signature", unsignedPublish());
    CliRun published = ok(fleetArgs("publish", p("plant.rimg")));
    assertTrue(published.out().contains("sha256 "), published.out());
    fails(
        2,
        "--min-sample: 2 values for 3 waves",
        fleetArgs(
            "rollout",
            "start",
            "--image",
            p("plant.rimg"),
            "--canary",
            "gw-c1,gw-c2",
            "--waves",
            "50,100",
            "--min-sample",
            "1,2"));
    fails(
        2,
        "must be above the previous wave's",
        fleetArgs("rollout", "start", "--image", p("plant.rimg"), "--waves", "50,40"));
    fails(
        2,
        "--approval: wave 3 is not one of the 3 waves",
        fleetArgs(
            "rollout",
            "start",
            "--image",
            p("plant.rimg"),
            "--canary",
            "gw-c1",
            "--waves",
            "50,100",
            "--approval",
            "3"));
    fails(
        2,
        "--soak",
        fleetArgs(
            "rollout", "start", "--image", p("plant.rimg"), "--waves", "100", "--soak", "soon"));

    ok(
        fleetArgs(
            "rollout",
            "start",
            "--image",
            p("plant.rimg"),
            "--id",
            "plant-2",
            "--canary",
            "gw-c1,gw-c2",
            "--waves",
            "50,100",
            "--min-sample",
            "2,3,3",
            "--soak",
            "0",
            "--timeout",
            "1h",
            "--approval",
            "0"));
    fails(
        1,
        "abort it first",
        fleetArgs("rollout", "start", "--image", p("plant.rimg"), "--waves", "100"));
    Rollout r = awaitRollout("started", x -> x.id().equals("plant-2"));
    // the fleet: 40 gateways that saw the rollout (none installs before its wave)
    List<String> fleetIds = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      fleetIds.add("gw-" + i);
      fleet.publish(
          TOPICS.follow("gw-" + i),
          new FollowReport(
                  "gw-" + i,
                  r.id(),
                  r.revision(),
                  RolloutTarget.waveOf(r, "gw-" + i),
                  false,
                  "waiting for its wave",
                  null,
                  OLD,
                  Instant.now())
              .toJson(),
          1,
          true);
    }
    gatewayReports("gw-c1", r, UpdateState.COMMITTED);
    gatewayReports("gw-c2", r, UpdateState.COMMITTED);

    Driver first = new Driver();
    Rollout awaiting = awaitRollout("canary passed, awaiting approval", Rollout::wavePassed);
    assertEquals(0, awaiting.wave());
    fails(1, "awaits approval", fleetArgs("rollout", "resume"));
    CliRun approved = ok(fleetArgs("rollout", "approve", "--reason", "canaries fine"));
    assertTrue(approved.out().contains("RUNNING"), approved.out());
    Rollout wave1 =
        awaitRollout("wave 1 running", x -> x.wave() == 1 && x.state() == RolloutState.RUNNING);
    // the first controller sees wave 1 and is stopped before it could judge it
    List<String> inWave1 =
        fleetIds.stream().filter(g -> RolloutTarget.waveOf(wave1, g) == 1).toList();
    List<String> inWave2 =
        fleetIds.stream().filter(g -> RolloutTarget.waveOf(wave1, g) == 2).toList();
    assertTrue(inWave1.size() >= 3 && inWave2.size() >= 3, inWave1 + " / " + inWave2);
    gatewayReports(inWave1.get(0), wave1, UpdateState.COMMITTED); // 1 of the 3 needed
    Await.until(
        Duration.ofSeconds(60),
        () -> first.output().contains("this wave: 1 of"),
        () -> "the first controller judged wave 1 with one result: " + first.output());
    assertEquals(0, first.stop(), first.output());
    assertTrue(first.output().contains("stopped"), first.output());

    Driver second = new Driver();
    Await.until(
        Duration.ofSeconds(60),
        () -> second.output().contains("this wave: 1 of"),
        () -> "the second controller judged wave 1: " + second.output());
    Rollout still = retainedRollout();
    assertEquals(wave1.revision(), still.revision(), "nothing published by the restart");
    assertEquals(wave1.waveStarted(), still.waveStarted(), "wave 1 not started again");
    for (String g : inWave1) {
      gatewayReports(g, wave1, UpdateState.COMMITTED);
    }
    Rollout wave2 = awaitRollout("wave 2", x -> x.wave() == 2);
    for (String g : inWave2) {
      gatewayReports(g, wave2, UpdateState.COMMITTED);
    }
    assertEquals(0, second.awaitExit(), second.output());
    assertTrue(second.output().contains("is DONE: nothing left to drive"), second.output());
    // the driver has published DONE; this test's subscriber receives it a moment later
    assertEquals(
        RolloutState.DONE,
        awaitRollout("DONE retained", x -> x.state() == RolloutState.DONE).state());

    // one record per decision: the restart decided nothing twice
    List<String> audit = Files.readAllLines(tmp.resolve("audit.jsonl"));
    assertEquals(1, count(audit, "\"action\":\"publish\""), String.join("\n", audit));
    assertEquals(1, count(audit, "\"action\":\"start\""));
    assertEquals(1, count(audit, "\"action\":\"await-approval\""));
    assertEquals(1, count(audit, "\"action\":\"resume\""));
    assertEquals(1, count(audit, "\"action\":\"next-wave\""), String.join("\n", audit));
    assertEquals(1, count(audit, "\"action\":\"done\""));
    CliRun verified = ok("fleet", "audit", "verify", p("audit.jsonl"));
    assertTrue(verified.out().contains(audit.size() + " record(s), chain intact"), verified.out());

    CliRun status = ok(readArgs("rollout", "status"));
    assertTrue(status.out().contains("DONE"), status.out());
    CliRun all = ok(readArgs("status"));
    assertTrue(
        all.out().lines().anyMatch(l -> l.startsWith("gw-c1") && l.contains("COMMITTED")),
        all.out());
    assertTrue(all.out().contains("42 gateway(s)"), all.out());
    fails(1, "is DONE, not RUNNING", fleetArgs("rollout", "pause"));
  }

  private String[] unsignedPublish() {
    SignedFleetFiles.buildPlantImage(tmp.resolve("unsigned.rimg"), "9.0.0", 9);
    return fleetArgs("publish", p("unsigned.rimg"));
  }

  private static long count(List<String> lines, String needle) {
    return lines.stream().filter(l -> l.contains(needle)).count();
  }

  @Test
  void pauseResumeAndASignedRollbackSwitchWithTwoKeysThenATamperedAuditLog() throws Exception {
    start(TestBroker.Kind.MOSQUITTO);
    makeKeysAndImage(2);
    ok(fleetArgs("publish", p("plant.rimg")));
    ok(fleetArgs("rollout", "start", "--image", p("plant.rimg"), "--waves", "100"));
    ok(fleetArgs("rollout", "pause", "--reason", "lunch"));
    assertEquals(
        RolloutState.PAUSED, awaitRollout("paused", x -> x.state() == RolloutState.PAUSED).state());
    fails(1, "is not waiting for approval", fleetArgs("rollout", "approve"));
    ok(fleetArgs("rollout", "resume"));
    Rollout running =
        awaitRollout("running", x -> x.state() == RolloutState.RUNNING && x.revision() == 3);

    fails(2, "--reason", fleetArgs("rollback", "--key", p("a.key")));
    fails(2, "a switch must be signed", fleetArgs("rollback", "--reason", "x"));
    // one signature of the two the root requires: refused before anything is published
    fails(
        1,
        "THRESHOLD_NOT_MET",
        fleetArgs(
            "rollback",
            "--reason",
            "pump traps",
            "--id",
            "rb-1",
            "--key",
            p("a.key"),
            "--root",
            p("root.json")));
    assertTrue(
        seen.keySet().stream().noneMatch(t -> t.contains("/rollback/")), seen.keySet().toString());
    ok(
        fleetArgs(
            "rollback",
            "--reason",
            "pump traps",
            "--id",
            "rb-1",
            "--gateway",
            "gw-1,gw-2",
            "--key",
            p("a.key"),
            "--save",
            p("rb.json")));
    ok(
        fleetArgs(
            "rollback", "--from", p("rb.json"), "--key", p("b.key"), "--root", p("root.json")));
    Await.until(
        Duration.ofSeconds(60),
        () -> seen.containsKey(TOPICS.rollback("rb-1")),
        () -> "switch published: " + seen.keySet());
    TrustRoot root = TrustRoot.parse(Files.readAllBytes(tmp.resolve("root.json")), "root.json");
    RollbackSwitch sw =
        RollbackSwitches.verify(seen.get(TOPICS.rollback("rb-1")), "rb-1", root, Instant.now());
    assertEquals(List.of("gw-1", "gw-2"), sw.gateways());
    assertEquals(running.image(), sw.image());
    Rollout halted = awaitRollout("aborted", x -> x.state() == RolloutState.ABORTED);
    assertTrue(halted.reason().contains("halted by rollback switch rb-1"), halted.reason());

    Path log = tmp.resolve("audit.jsonl");
    CliRun intact = ok("fleet", "audit", "verify", log.toString());
    String head = intact.out().substring(intact.out().indexOf("head ") + 5).strip();
    ok("fleet", "audit", "verify", log.toString(), "--head", head);
    List<String> lines = Files.readAllLines(log);
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"action\":\"rollback\"")), lines.toString());
    // cut off the last record: still a chain, but the head kept elsewhere is gone
    Files.write(log, lines.subList(0, lines.size() - 1));
    fails(1, "cut off the end", "fleet", "audit", "verify", log.toString(), "--head", head);
    // change a record in the middle: the chain breaks at the next one
    lines.set(1, lines.get(1).replace("\"actor\":\"", "\"actor\":\"x"));
    Files.write(log, lines, StandardCharsets.UTF_8);
    fails(1, "BROKEN after 2 intact record(s)", "fleet", "audit", "verify", log.toString());
    fails(2, "no such file", "fleet", "audit", "verify", p("nothing.jsonl"));
  }

  @Test
  void theBrokerOverMutualTlsFromPemFilesAndARefusalWithItsReason() throws Exception {
    // (also opens tmp to the mosquitto user, whom the TLS broker below drops to)
    start(TestBroker.Kind.MOSQUITTO);
    Path pki = Files.createDirectories(tmp.resolve("pki"));
    TestPki.Issued ca = TestPki.ca("Edgerule Test CA");
    Path caFile = TestPki.writeCertificates(pki.resolve("ca.pem"), ca.certificate());
    TestPki.Issued server = TestPki.server(ca, "broker", List.of("localhost", "127.0.0.1"));
    Path serverCert = TestPki.writeCertificates(pki.resolve("server.pem"), server.certificate());
    Path serverKey = TestPki.writePkcs8(pki.resolve("server.key"), server.privateKey());
    TestPki.Issued operator = TestPki.client(ca, "operator", TestPki.ecKeys());
    Path cert = TestPki.writeCertificates(pki.resolve("operator.pem"), operator.certificate());
    Path key = TestPki.writePkcs8(pki.resolve("operator.key"), operator.privateKey());
    try (Mosquitto tls =
        Mosquitto.start(
            Files.createDirectories(tmp.resolve("tls")),
            new Mosquitto.Tls(caFile, serverCert, serverKey, true))) {
      String uri = tls.uri("ssl", "localhost");
      CliRun ok =
          ok(
              "fleet",
              "status",
              "--broker",
              uri,
              "--tls-ca-file",
              caFile.toString(),
              "--tls-cert-file",
              cert.toString(),
              "--tls-key-file",
              key.toString());
      assertTrue(ok.out().contains("0 gateway(s)") && ok.out().contains("no rollout"), ok.out());
      // no client certificate: the broker refuses; the command says so and ends (no retrying)
      CliRun refused =
          fails(
              1,
              "connecting to ssl://localhost",
              "fleet",
              "status",
              "--broker",
              uri,
              "--tls-ca-file",
              caFile.toString());
      assertTrue(refused.err().contains("--tls-cert-file and --tls-key-file"), refused.err());
      fails(
          2,
          "--tls-cert-file needs --tls-key-file",
          "fleet",
          "status",
          "--broker",
          uri,
          "--tls-cert-file",
          cert.toString());
      CliRun missing =
          fails(
              2,
              "missing.pem",
              "fleet",
              "status",
              "--broker",
              uri,
              "--tls-ca-file",
              p("missing.pem"));
      assertTrue(missing.err().contains("--tls-ca-file"), missing.err());
    }
  }
}
