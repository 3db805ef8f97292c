package io.edgerule.daemon.cli;

import static io.edgerule.daemon.cli.CliRun.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.mqtt.testing.Await;
import io.edgerule.mqtt.testing.Mosquitto;
import io.edgerule.ota.fleet.FleetTopics;
import io.edgerule.ota.fleet.RollbackSwitch;
import io.edgerule.ota.fleet.RollbackSwitches;
import io.edgerule.ota.trust.TrustRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback switch signed inside a PKCS#11 token (SoftHSM2, Debian package softhsm2): an ECDSA
 * P-256 key made on the token by {@code keys generate --pkcs11}, a trust root listing only it, and
 * {@code fleet rollback --pkcs11 CFG --alias A --pin-file F} publishing a switch the root accepts.
 */
class FleetRollbackPkcs11IT {
  static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
  @TempDir Path tmp;

  private String p(String name) {
    return tmp.resolve(name).toString();
  }

  @Test
  void aSwitchSignedOnTheTokenIsAcceptedByARootThatListsOnlyTheTokensKey() throws Exception {
    String conf = System.getenv("SOFTHSM2_CONF");
    assertNotNull(conf, "SOFTHSM2_CONF is unset: run this test through Maven (failsafe sets it)");
    if (!Files.exists(Path.of(LIBRARY)) || !Files.isExecutable(Path.of("/usr/bin/softhsm2-util"))) {
      throw new AssertionError(
          "SoftHSM2 is not installed: apt-get install softhsm2 (the Debian package; ./test installs it)");
    }
    Path dir = Path.of(conf).getParent();
    if (Files.exists(dir)) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    Path tokens = Files.createDirectories(dir.resolve("tokens"));
    Files.writeString(
        Path.of(conf),
        "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
    Process init =
        new ProcessBuilder(
                "/usr/bin/softhsm2-util",
                "--init-token",
                "--free",
                "--label",
                "fleet-test",
                "--so-pin",
                "1234",
                "--pin",
                "5678")
            .redirectErrorStream(true)
            .start();
    String initOut = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(init.waitFor(60, TimeUnit.SECONDS) && init.exitValue() == 0, initOut);
    Path cfg = dir.resolve("pkcs11.cfg");
    Files.writeString(
        cfg,
        "name = SoftHSM\nlibrary = "
            + LIBRARY
            + "\nslotListIndex = 0\n"
            + "attributes(generate, CKO_PRIVATE_KEY, *) = {\n  CKA_SENSITIVE = true\n"
            + "  CKA_EXTRACTABLE = false\n}\n");
    Files.writeString(tmp.resolve("pin"), "5678\n");
    ok(
        "keys",
        "generate",
        "--pkcs11",
        cfg.toString(),
        "--alias",
        "fleet-hsm",
        "--pin-file",
        p("pin"));
    ok(
        "keys",
        "export-public",
        "--pkcs11",
        cfg.toString(),
        "--alias",
        "fleet-hsm",
        "--pin-file",
        p("pin"),
        "--out",
        p("hsm.pub"));
    SignedFleetFiles.write(
        tmp,
        1,
        List.of(tmp.resolve("hsm.pub")),
        List.of(
            List.of("--pkcs11", cfg.toString(), "--alias", "fleet-hsm", "--pin-file", p("pin"))));

    try (Mosquitto broker = Mosquitto.start(Files.createDirectories(tmp.resolve("broker")))) {
      Map<String, byte[]> seen = new ConcurrentHashMap<>();
      MqttClient watcher =
          new MqttClient(broker.uri(), "test-" + UUID.randomUUID(), new MemoryPersistence());
      watcher.connect(new MqttConnectOptions());
      watcher.subscribe("edgerule/fleet/rollback/#", 1, (t, m) -> seen.put(t, m.getPayload()));
      String[] common = {"--broker", broker.uri(), "--audit", p("audit.jsonl")};
      ok(concat(new String[] {"fleet", "publish", p("plant.rimg")}, common));
      ok(
          concat(
              new String[] {
                "fleet", "rollout", "start", "--image", p("plant.rimg"), "--waves", "100"
              },
              common));
      CliRun rb =
          ok(
              concat(
                  new String[] {
                    "fleet",
                    "rollback",
                    "--reason",
                    "hsm test",
                    "--id",
                    "rb-hsm",
                    "--pkcs11",
                    cfg.toString(),
                    "--alias",
                    "fleet-hsm",
                    "--pin-file",
                    p("pin"),
                    "--root",
                    p("root.json")
                  },
                  common));
      assertTrue(rb.out().contains("published rollback switch rb-hsm"), rb.out());
      String topic = new FleetTopics("edgerule").rollback("rb-hsm");
      Await.until(Duration.ofSeconds(60), () -> seen.containsKey(topic), () -> "the switch");
      TrustRoot root = TrustRoot.parse(Files.readAllBytes(tmp.resolve("root.json")), "root.json");
      RollbackSwitch sw = RollbackSwitches.verify(seen.get(topic), topic, root, Instant.now());
      assertEquals("rb-hsm", sw.id());
      watcher.disconnect();
      watcher.close();
    }
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
