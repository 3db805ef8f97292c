package io.edgerule.daemon.ota;

import static io.edgerule.daemon.ota.OtaFleet.TOPICS;
import static io.edgerule.daemon.ota.OtaFleet.WAIT;
import static io.edgerule.daemon.ota.OtaFleet.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.cli.EdgeruleCommand;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.ota.fleet.TrustRootFollower;
import io.edgerule.ota.trust.KeyId;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.SoftwareKeys;
import io.edgerule.ota.trust.TrustRoot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
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
  private static final String GW = "trust-gw";

  @TempDir Path tmp;

  /** Image plant {@code version} whose rule writes {@code sv + 1}, signed by {@code signer}. */
  private byte[] image(String version, long sv, Signer signer) throws Exception {
    return OtaFleet.image(version, sv, OtaFleet.setter(tmp, "v" + sv, sv + 1, 0), signer);
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
  private static JsonNode refused(OtaFleet fleet, Gateway gw, byte[] chain, String reason)
      throws Exception {
    fleet.put(TOPICS.trust(), chain);
    JsonNode r =
        fleet.awaitJson(
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
    TrustRoot v1 = OtaFleet.root(1, year, List.of(a, b), Set.of(), a, b);
    KeyId revokedA = a.publicKey().id();
    TrustRoot v2 = OtaFleet.root(2, year, List.of(b, c), Set.of(revokedA), b, c);
    Path v1File = Files.write(tmp.resolve("root.json"), v1.envelope());
    Path v2File = Files.write(tmp.resolve("root-v2.json"), v2.envelope());
    TrustRoot forged = OtaFleet.root(2, year, List.of(c), Set.of(revokedA), c);
    Path forgedFile = Files.write(tmp.resolve("forged.json"), forged.envelope());
    String trustTopic = TOPICS.trustReport(GW);

    try (OtaFleet fleet = OtaFleet.start(tmp, GW)) {
      GatewayConfig config = fleet.config(fleet.setterRule(1), "trial_window: 2s");
      Path kept = config.gateway().stateDir().resolve("trust").resolve("root.json");
      String audit = tmp.resolve("fleet-audit.jsonl").toString();
      String broker = fleet.broker.uri();

      try (Gateway gw = OtaFleet.startGateway(config)) {
        JsonNode start =
            fleet.awaitJson(trustTopic, n -> n.path("result").asText().equals("TRUSTED"));
        assertEquals(1, start.path("version").asLong(), start.toString());

        // Under v1, an image signed by A is accepted and committed.
        fleet.rollOut("r-1", 1, image("2.0.0", 1, a));
        fleet.awaitStatus(status("COMMITTED", "2.0.0"));

        // Roots the gateway must refuse: each reported with its reason, nothing changes.
        JsonNode f = refused(fleet, gw, chain(forged), "UNKNOWN_KEY");
        assertTrue(
            f.path("detail").asText().contains("root v2 (by the keys of root v1)"), f.toString());
        TrustRoot v3 = OtaFleet.root(3, year, List.of(b, c), Set.of(revokedA), b, c);
        JsonNode s = refused(fleet, gw, chain(v3), "BAD_ROTATION");
        assertTrue(
            s.path("detail").asText().contains("root v3 does not follow root v1"), s.toString());
        TrustRoot old =
            OtaFleet.root(2, Instant.now().minusSeconds(60), List.of(b, c), Set.of(revokedA), b, c);
        JsonNode e = refused(fleet, gw, chain(old), "EXPIRED");
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
        refused(fleet, gw, tampered.getBytes(StandardCharsets.UTF_8), "BAD_SIGNATURE");
        assertEquals(0, follower(gw).counts().rotated());
        assertEquals(4, follower(gw).counts().refused());
        assertTrue(
            Files.readString(kept).contains(Base64.getEncoder().encodeToString(v1.payload())));

        // The operator's command refuses the forged root before any gateway sees it, then
        // publishes v2 (after the bad chain is cleared from the broker).
        fleet.put(TOPICS.trust(), new byte[0]);
        Run no =
            cli(
                "fleet",
                "trust-root",
                "publish",
                forgedFile.toString(),
                "--trusted",
                v1File.toString(),
                "--broker",
                broker,
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
                broker,
                "--audit",
                audit);
        assertEquals(0, yes.code(), yes.out() + yes.err());
        assertTrue(
            yes.out().contains("published trust root v2 on edgerule/fleet/trust"), yes.out());

        JsonNode rotated =
            fleet.awaitJson(trustTopic, n -> n.path("result").asText().equals("ROTATED"));
        assertEquals(2, rotated.path("version").asLong(), rotated.toString());
        assertEquals("edgerule/fleet/trust: root v1 -> v2", rotated.path("detail").asText());
        assertEquals(2, follower(gw).current().version());

        // Under v2: C signs, A (revoked) no longer does.
        fleet.rollOut("r-2", 2, image("3.0.0", 2, c));
        fleet.awaitStatus(status("COMMITTED", "3.0.0"));
        fleet.rollOut("r-3", 3, image("4.0.0", 3, a));
        JsonNode rejected = fleet.awaitStatus(rejected("4.0.0"));
        String why = rejected.path("detail").asText();
        assertTrue(why.contains("REVOKED_KEY") && why.contains("trust root v2 revokes"), why);
        assertEquals("3.0.0", rejected.path("running").path("version").asText());

        // The fleet sees which root each gateway holds.
        Run shown = cli("fleet", "status", "--broker", broker);
        assertEquals(0, shown.code(), shown.out() + shown.err());
        assertTrue(shown.out().contains("root v2"), shown.out());
        assertTrue(shown.out().contains("trust roots: {v2=1}"), shown.out());
      }

      // Restarted with the same config (still naming v1): v2 is kept and used; the retained
      // chain arrives again and changes nothing, reports nothing.
      assertTrue(Files.readString(kept).contains(Base64.getEncoder().encodeToString(v2.payload())));
      try (Gateway again = OtaFleet.startGateway(config)) {
        JsonNode start =
            fleet.awaitJson(
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

        fleet.rollOut("r-4", 4, image("5.0.0", 4, a));
        JsonNode stillRevoked = fleet.awaitStatus(rejected("5.0.0"));
        assertTrue(
            stillRevoked.path("detail").asText().contains("REVOKED_KEY"), stillRevoked.toString());
      }
    }
  }
}
