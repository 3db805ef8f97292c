package io.edgerule.ota.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power-loss test of the image store (RAUC/Mender style): a child JVM runs an install sequence
 * ({@link InstallChild}) and is halted at crash point 1, then 2, then 3 ... (before and after every
 * write, half-way through each file, before and after every fsync and rename) until it gets through
 * the whole sequence. After each halt the store is opened as the gateway does at start: it must
 * choose exactly one of the images it was given, byte for byte, and every slot the pointer names
 * must read back intact. Then a few kill -9 (SIGKILL) runs, each killed as it passes a chosen
 * point, and a check that a damaged file is caught.
 *
 * <p>Runtime.halt and SIGKILL stop the process, not the machine: the page cache survives them. What
 * a power loss adds (writes not yet on the disk) is covered by the order of the steps: every file
 * is fsynced before it is renamed into place and every folder after a name in it changed, so the
 * state reached at a crash point is the most a power loss there can leave.
 */
class PowerLossIT {
  @TempDir Path tmp;

  private Path template() throws IOException {
    Path dir = tmp.resolve("template");
    ImageStore store = ImageStore.open(dir);
    store.beginTrial(store.stage(InstallChild.image(1)));
    store.commit();
    return dir;
  }

  private static Process child(Path dir, int crashAt) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            // A short-lived child: the C1 compiler alone and the serial collector start fastest.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            InstallChild.class.getName(),
            dir.toString(),
            Integer.toString(crashAt))
        .redirectErrorStream(true)
        .start();
  }

  @Test
  void haltedAtEveryCrashPointTheStoreHoldsTheOldImageOrTheNewOneNeverATornOne() throws Exception {
    Path template = template();
    Map<String, Integer> chosen = new TreeMap<>();
    int crashAt = 1;
    while (true) {
      Path dir = copy(template, tmp.resolve("run-" + crashAt));
      Process p = child(dir, crashAt);
      List<String> lines =
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ends");
      String last = lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
      if (p.exitValue() == 0) {
        assertTrue(last.startsWith("done "), last);
        assertEquals(crashAt - 1, Integer.parseInt(last.substring(5)), "every point was tried");
        String version = check(dir, "after the whole sequence");
        assertEquals("2", version, "image 3 was rolled back");
        break;
      }
      assertEquals(
          InstallChild.HALTED,
          p.exitValue(),
          "halted at point " + crashAt + ":\n" + String.join("\n", lines));
      String label = last.substring(last.indexOf(' ') + 1);
      String version = check(dir, "halted at point " + crashAt + " (" + label + ")");
      chosen.merge(version, 1, Integer::sum);
      crashAt++;
    }
    int points = crashAt - 1;
    System.out.printf(
        "power-loss test: %d crash points, image chosen after the halt: %s%n", points, chosen);
    assertTrue(points >= 60, "the sequence has many crash points, got " + points);
    assertTrue(
        chosen.keySet().containsAll(List.of("1", "2")),
        "both the old and the new image came up: " + chosen);
  }

  @Test
  void killedWithSigkillAtChosenPointsTheStoreIsConsistent() throws Exception {
    Path template = template();
    for (int at : new int[] {5, 17, 29, 41, 53, 67}) {
      Path dir = copy(template, tmp.resolve("kill-" + at));
      Process p = child(dir, 0);
      var out =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(at + " ")) {
          p.destroyForcibly(); // SIGKILL; the child may have gone on a few steps: any moment is
          // fine
          break;
        }
      }
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      check(dir, "killed near point " + at);
    }
  }

  @Test
  void aFileDamagedAfterTheInstallIsCaughtAndTheGatewayRunsTheConfigsRules() throws Exception {
    Path dir = template();
    Path folder;
    try (Stream<Path> s = Files.list(dir.resolve("slots"))) {
      folder = s.findFirst().orElseThrow();
    }
    Files.write(folder.resolve("pump.wasm"), new byte[] {0, 'a', 's', 'm'});
    BootChoice c = BootChoice.decide(ImageStore.open(dir), 3);
    assertEquals(Optional.empty(), c.image());
  }

  /**
   * Opens the store as a start does; returns the version it runs, after checking it byte for byte.
   */
  private static String check(Path dir, String when) {
    try {
      ImageStore store = ImageStore.open(dir);
      StorePointer p = store.pointer();
      for (Slot s : new Slot[] {p.active(), p.committed(), p.previous()}) {
        if (s != null) {
          store.read(s).orElseThrow(() -> new AssertionError(when + ": slot " + s + " is empty"));
        }
      }
      BootChoice c = BootChoice.decide(store, 3);
      SlotImage got = c.image().orElseThrow(() -> new AssertionError(when + ": no image chosen"));
      int n = Integer.parseInt(got.id().version());
      SlotImage want = InstallChild.image(n);
      assertEquals(want.id(), got.id(), when);
      assertEquals(want.rules(), got.rules(), when);
      for (int i = 0; i < want.modules().size(); i++) {
        assertArrayEquals(want.modules().get(i).wasm(), got.modules().get(i).wasm(), when);
        assertArrayEquals(want.modules().get(i).manifest(), got.modules().get(i).manifest(), when);
      }
      assertArrayEquals(
          want.extras().get("selftest.jsonl"), got.extras().get("selftest.jsonl"), when);
      if (n == 3 && !c.onTrial()) {
        fail(when + ": image 3 is never committed, yet it runs as committed: " + p);
      }
      return got.id().version();
    } catch (IOException e) {
      throw new AssertionError(when + ": " + e, e);
    } catch (ImageStoreException e) {
      throw new AssertionError(when + ": " + e.getMessage(), e);
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(from)) {
      s.forEach(all::add);
    }
    for (Path p : all) {
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.copy(p, target);
      }
    }
    return to;
  }
}
