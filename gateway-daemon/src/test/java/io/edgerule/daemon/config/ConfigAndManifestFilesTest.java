package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.sandbox.ManifestException;
import io.edgerule.sandbox.RuleManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway config and a rule manifest are read by one reader: a file that cannot be read as text
 * is reported with the same message at the same line and column, whichever of the two it is.
 */
class ConfigAndManifestFilesTest {
  @TempDir Path dir;

  @Test
  void unreadableFilesAreReportedAlike() throws Exception {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(
        latin1, "name: x\ndescription: caf\u00e9 \u00ff!\n".getBytes(StandardCharsets.ISO_8859_1));
    Path cut = dir.resolve("cut.yaml");
    byte[] umlaut = "name: x\n# \u00fc".getBytes(StandardCharsets.UTF_8);
    Files.write(cut, java.util.Arrays.copyOf(umlaut, umlaut.length - 1));
    for (Path file : List.of(latin1, cut, dir.resolve("missing.yaml"), dir)) {
      ConfigException config =
          assertThrows(ConfigException.class, () -> ConfigContract.LOADER.load(file));
      ManifestException manifest =
          assertThrows(ManifestException.class, () -> RuleManifest.load(file));
      String context = file + ": " + config.getMessage() + " / " + manifest.getMessage();
      assertEquals(config.problem(), manifest.problem(), context);
      assertEquals(config.line(), manifest.line(), context);
      assertEquals(config.column(), manifest.column(), context);
    }
  }
}
