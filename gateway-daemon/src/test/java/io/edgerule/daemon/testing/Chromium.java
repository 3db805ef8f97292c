package io.edgerule.daemon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium (Debian package {@code chromium}), for tests of the status page: the page's
 * script runs as in a browser, then the DOM or a screenshot is taken. Each call starts a browser
 * (about 12 s on the 2-core test machines).
 */
public final class Chromium {
  private static final long TIMEOUT_SECONDS = 120;

  private Chromium() {}

  /** The browser's path; fails the test naming the Debian package when it is missing. */
  public static String binary() {
    for (String p : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    throw new AssertionError(
        "headless Chromium is needed for the status page test: install the Debian package"
            + " 'chromium' (apt-get install --no-install-recommends chromium; ./test does)");
  }

  /**
   * The DOM of {@code url} after its scripts ran for {@code virtualMillis} of virtual time (timers
   * fire as fast as the page allows; fetches are real).
   */
  public static String dumpDom(String url, int virtualMillis, Path scratch) throws Exception {
    return run(scratch, "--virtual-time-budget=" + virtualMillis, "--dump-dom", url);
  }

  /** A PNG screenshot of {@code url} after {@code virtualMillis} of virtual time. */
  public static void screenshot(String url, int virtualMillis, String size, Path png, Path scratch)
      throws Exception {
    run(
        scratch,
        "--virtual-time-budget=" + virtualMillis,
        "--window-size=" + size,
        "--hide-scrollbars",
        "--screenshot=" + png.toAbsolutePath(),
        url);
    if (!Files.isRegularFile(png) || Files.size(png) == 0) {
      throw new AssertionError("chromium wrote no screenshot to " + png);
    }
  }

  private static String run(Path scratch, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary());
    cmd.add("--headless");
    cmd.add("--no-sandbox");
    cmd.add("--disable-gpu");
    cmd.add("--no-first-run");
    cmd.add("--user-data-dir=" + Files.createDirectories(scratch.resolve("chromium-profile")));
    cmd.addAll(List.of(args));
    Path out = scratch.resolve("chromium.out");
    Path err = scratch.resolve("chromium.err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + cmd);
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(
          "chromium exited with "
              + p.exitValue()
              + ": "
              + cmd
              + "\n"
              + Files.readString(err, StandardCharsets.UTF_8));
    }
    return stdout;
  }
}
