package io.edgerule.daemon.cli;

import static io.edgerule.daemon.cli.CliRun.ok;
import static io.edgerule.daemon.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole image workflow through the program's commands: keys, a trust root with a threshold of
 * two, build, sign, verify, inspect, a rollback refused, a rotation that revokes a key.
 */
class ImageWorkflowCliTest {
  static final Path EXAMPLES = ExampleRulesReplayTest.EXAMPLES;
  @TempDir Path tmp;

  private String p(String name) {
    return tmp.resolve(name).toString();
  }

  private CliRun verify(String root, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "image", "verify", p("plant.rimg"), "--root", root, "--gateway-version", "0.1.0"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void fromKeysToAVerifiedImageAndARotation() throws Exception {
    String idA = ok("keys", "generate", "--out", p("a")).out().split(" ")[0];
    ok("keys", "generate", "--out", p("b"));
    ok("keys", "generate", "--out", p("c"));
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a.key"))));
    // the private and the public file name the same key
    CliRun listed = ok("keys", "list", p("a.key"), p("a.pub"));
    assertEquals(2, listed.out().lines().filter(l -> l.startsWith(idA)).count(), listed.out());
    assertEquals(2, run("keys", "generate", "--out", p("a")).code(), "a key is never overwritten");

    ok(
        "keys",
        "trust-root",
        "create",
        "--version",
        "1",
        "--threshold",
        "2",
        "--key",
        p("a.pub"),
        "--key",
        p("b.pub"),
        "--key",
        p("c.pub"),
        "--out",
        p("root.json"));
    CliRun unsignedRoot = run("keys", "trust-root", "verify", p("root.json"));
    assertEquals(1, unsignedRoot.code(), unsignedRoot.err());
    assertTrue(unsignedRoot.err().contains("THRESHOLD_NOT_MET"), unsignedRoot.err());
    ok("keys", "trust-root", "sign", p("root.json"), "--key", p("a.key"));
    ok("keys", "trust-root", "sign", p("root.json"), "--key", p("b.key"));
    ok("keys", "trust-root", "verify", p("root.json"));

    ok(
        "image",
        "build",
        "--name",
        "plant",
        "--version",
        "1.2.0",
        "--security-version",
        "2",
        "--gateway-min",
        "0.1.0",
        "--gateway-below",
        "1.0.0",
        "--rule",
        EXAMPLES.resolve("pump.yaml").toString(),
        "--rule",
        EXAMPLES.resolve("deadband.yaml").toString(),
        "--self-test",
        "pump="
            + EXAMPLES.resolve("pump.events.jsonl")
            + ","
            + EXAMPLES.resolve("pump.expected.jsonl"),
        "--out",
        p("plant.rimg"));
    CliRun unsigned = verify(p("root.json"));
    assertEquals(1, unsigned.code());
    assertTrue(unsigned.err().startsWith("REFUSED (THRESHOLD_NOT_MET)"), unsigned.err());

    ok("image", "sign", p("plant.rimg"), "--key", p("a.key"));
    CliRun one = verify(p("root.json"));
    assertEquals(1, one.code());
    assertTrue(
        one.err().contains("signed by 1 distinct trusted key; trust root v1 requires 2"),
        one.err());
    ok(
        "image",
        "sign",
        p("plant.rimg"),
        "--key",
        p("a.key")); // signing again replaces, still one key
    assertEquals(1, verify(p("root.json")).code());
    ok("image", "sign", p("plant.rimg"), "--key", p("b.key"));
    CliRun good =
        ok(
            "image",
            "verify",
            p("plant.rimg"),
            "--root",
            p("root.json"),
            "--gateway-version",
            "0.1.0");
    assertTrue(good.out().startsWith("OK "), good.out());
    assertTrue(
        good.out().contains("security version 2") && good.out().contains("2 rule(s)"), good.out());

    CliRun rollback = verify(p("root.json"), "--floor", "3");
    assertEquals(1, rollback.code());
    assertTrue(rollback.err().contains("REFUSED (ROLLBACK)"), rollback.err());
    CliRun incompatible =
        run(
            "image",
            "verify",
            p("plant.rimg"),
            "--root",
            p("root.json"),
            "--gateway-version",
            "1.0.0");
    assertTrue(incompatible.err().contains("REFUSED (INCOMPATIBLE)"), incompatible.err());

    CliRun shown = ok("image", "inspect", p("plant.rimg"));
    assertTrue(
        shown.out().contains("not verified")
            && shown.out().contains("rule pump (with self-test vectors)")
            && shown.out().contains("2 signature(s)"),
        shown.out());

    // rotation: v2 trusts b and c and revokes a, signed by b and c
    ok(
        "keys",
        "trust-root",
        "create",
        "--version",
        "2",
        "--threshold",
        "2",
        "--key",
        p("b.pub"),
        "--key",
        p("c.pub"),
        "--revoke",
        idA,
        "--out",
        p("root2.json"));
    ok("keys", "trust-root", "sign", p("root2.json"), "--key", p("b.key"));
    ok("keys", "trust-root", "sign", p("root2.json"), "--key", p("c.key"));
    ok("keys", "trust-root", "verify", "--trusted", p("root.json"), p("root2.json"));
    CliRun revoked = verify(p("root2.json"));
    assertEquals(1, revoked.code());
    assertTrue(revoked.err().contains("REFUSED (REVOKED_KEY)"), revoked.err());
    ok("image", "sign", p("plant.rimg"), "--key", p("c.key"));
    ok("image", "verify", p("plant.rimg"), "--root", p("root2.json"), "--gateway-version", "0.1.0");
  }

  @Test
  void selfTestEventsTheGatewayCannotReadAreRefusedAtBuild() throws Exception {
    Path events = tmp.resolve("bad.jsonl");
    Files.writeString(
        events,
        "{\"time\":\"2026-12-07T10:00:00Z\",\"point\":\"tank/level\",\"value\":1}\n{\"time\":\"2026-12-07T10:00:01Z\",\"point\":\"tank/level\",\"valu\":2}\n");
    CliRun r =
        run(
            "image",
            "build",
            "--name",
            "plant",
            "--version",
            "1",
            "--security-version",
            "1",
            "--gateway-min",
            "0.1.0",
            "--rule",
            EXAMPLES.resolve("pump.yaml").toString(),
            "--self-test",
            "pump=" + events + "," + EXAMPLES.resolve("pump.expected.jsonl"),
            "--out",
            p("bad.rimg"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(events + ":2: "), r.err());
    assertTrue(Files.notExists(tmp.resolve("bad.rimg")));
  }

  @Test
  void selfTestVectorsThatFailOnTheBuildMachineAreRefused() {
    // pump's events with deadband's expected output: the replay gives other lines
    CliRun r =
        run(
            "image",
            "build",
            "--name",
            "plant",
            "--version",
            "1",
            "--security-version",
            "1",
            "--gateway-min",
            "0.1.0",
            "--rule",
            EXAMPLES.resolve("pump.yaml").toString(),
            "--self-test",
            "pump="
                + EXAMPLES.resolve("pump.events.jsonl")
                + ","
                + EXAMPLES.resolve("deadband.expected.jsonl"),
            "--out",
            p("bad.rimg"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--self-test pump: expected line 1 is "), r.err());
    assertTrue(r.err().contains("but the rule gives {\"time\""), r.err());
    assertTrue(Files.notExists(tmp.resolve("bad.rimg")));
  }

  @Test
  void badInputIsExitTwoWithAMessage() {
    CliRun r =
        run(
            "image",
            "verify",
            p("missing.rimg"),
            "--root",
            p("missing.json"),
            "--gateway-version",
            "0.1.0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("missing.json"), r.err());
    CliRun sign = run("image", "sign", p("x.rimg"));
    assertEquals(2, sign.code());
    assertTrue(sign.err().contains("--key FILE or --pkcs11"), sign.err());
  }
}
