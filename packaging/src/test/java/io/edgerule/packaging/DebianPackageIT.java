package io.edgerule.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * target/edgerule.deb installed for real with dpkg on this machine (as root; CI runs as root on
 * Debian 12), used, removed and purged; the package is purged again afterwards whatever happened.
 * Checks what an operator relies on: the program runs from /usr/bin, the shipped example config
 * passes `edgerule check`, the config is a conffile kept on remove, the service user exists, the
 * class-data sharing archive was built for this JVM, the unit passes `systemd-analyze verify`
 * without a single warning, and only purge removes the gateway's state.
 */
class DebianPackageIT {
  private static final Path DEB = Path.of("target", "edgerule.deb").toAbsolutePath();
  private static final Path CONFIG = Path.of("/etc/edgerule/gateway.yaml");
  private static final Path STATE = Path.of("/var/lib/edgerule");
  private static final Path CDS = Path.of("/var/cache/edgerule/edgerule.jsa");

  record Run(int exit, String output) {}

  static Run run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command[0] + ": " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // A hang net (a CDS training run on a loaded machine takes tens of seconds), not a timing goal.
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "still running: " + List.of(command));
    return new Run(p.exitValue(), out);
  }

  /** dpkg, retried while another dpkg or apt holds its lock (never when it fails otherwise). */
  static Run dpkg(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("dpkg"));
    cmd.addAll(List.of(args));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (true) {
      Run r = run(cmd.toArray(String[]::new));
      if (r.exit() == 0 || !r.output().contains("lock") || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(2000); // another package operation runs; its end has no event to wait on
    }
  }

  @BeforeAll
  static void rootAndAFreshSystem() throws Exception {
    assertTrue(Files.exists(DEB), "run after `package`: " + DEB);
    Run id = run("id", "-u");
    assertEquals(
        "0",
        id.output().trim(),
        "installing a .deb needs root (CI runs as root); run the suite as root");
    purge();
  }

  @AfterAll
  static void purge() throws Exception {
    Run r = dpkg("--purge", "edgerule");
    assertEquals(0, r.exit(), r.output());
  }

  @Test
  void installRunCheckRemoveAndPurge() throws Exception {
    Run install = dpkg("--install", DEB.toString());
    assertEquals(0, install.exit(), install.output());
    assertTrue(install.output().contains("build-cds-archive: " + CDS), install.output());

    Run version = run("/usr/bin/edgerule", "--version");
    assertEquals(0, version.exit(), version.output());
    assertTrue(version.output().startsWith("edgerule 0.1.0"), version.output());

    Run check = run("/usr/bin/edgerule", "check", "--config", CONFIG.toString());
    assertEquals(0, check.exit(), check.output());
    assertTrue(
        check.output().contains("config " + CONFIG + ": OK (1 devices, 2 rules)"), check.output());
    assertTrue(check.output().contains("rule overtemp: OK"), check.output());
    assertTrue(check.output().contains("rule pump: OK"), check.output());

    // The archive was made for this JVM: -Xshare:on refuses to start with one it cannot map.
    Run shared =
        run(
            "java",
            "@/usr/share/edgerule/jvm.options",
            "-Xshare:on",
            "-XX:SharedArchiveFile=" + CDS,
            "-jar",
            "/usr/share/edgerule/edgerule-daemon.jar",
            "--version");
    assertEquals(0, shared.exit(), shared.output());

    Run user = run("getent", "passwd", "edgerule");
    assertEquals(0, user.exit(), "no user edgerule: " + user.output());
    assertTrue(user.output().contains(":/var/lib/edgerule:"), user.output());

    Run conffiles = run("dpkg-query", "--showformat=${Conffiles}", "--show", "edgerule");
    assertTrue(conffiles.output().contains(CONFIG.toString()), conffiles.output());

    // systemd-analyze exits 0 for unknown keys and bad values and only warns: any output fails.
    Run verify = run("systemd-analyze", "verify", "/lib/systemd/system/edgerule.service");
    assertEquals(0, verify.exit(), verify.output());
    assertEquals("", verify.output().strip(), "systemd-analyze verify warned");

    // Remove keeps the operator's config and the gateway's state; purge drops both.
    Files.createDirectories(STATE);
    Files.writeString(STATE.resolve("marker"), "state");
    Files.writeString(CONFIG, Files.readString(CONFIG) + "# edited by the operator\n");
    Run remove = dpkg("--remove", "edgerule");
    assertEquals(0, remove.exit(), remove.output());
    assertFalse(Files.exists(Path.of("/usr/bin/edgerule")));
    assertFalse(Files.exists(CDS), "the archive is derived from the program: gone with it");
    assertTrue(Files.readString(CONFIG).endsWith("# edited by the operator\n"));
    assertTrue(Files.exists(STATE.resolve("marker")), "remove must keep the state");

    Run purge = dpkg("--purge", "edgerule");
    assertEquals(0, purge.exit(), purge.output());
    assertFalse(Files.exists(CONFIG), "purge removes the conffile");
    assertFalse(Files.exists(STATE), "purge removes the state");
  }
}
