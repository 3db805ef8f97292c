package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The committed example rule modules are exactly what their sources build to (.ci/check-rules
 * rebuilds them with wat2wasm and clang into a temp folder and compares byte for byte). Part of the
 * test suite so that the one test command checks it too.
 */
class ExampleRulesReproducibleIT {
  @Test
  void committedModulesMatchTheirSources() throws Exception {
    Path script = Path.of("..", ".ci", "check-rules").toAbsolutePath().normalize();
    Process p = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("check-rules did not finish in 120 s: " + out);
    }
    assertEquals(0, p.exitValue(), out);
  }
}
