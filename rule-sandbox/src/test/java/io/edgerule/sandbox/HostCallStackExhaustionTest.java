package io.edgerule.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, class 8: a rule that recursed to just short of the stack limit and then made a host
 * call made the first initialisation of a gateway class fail; that class was then broken for the
 * life of the JVM ({@code NoClassDefFoundError} escaping the sandbox and killing a rule thread per
 * batch). Runs {@link StackPoisonProbe} in a fresh JVM, where no gateway class is initialised yet:
 * every host call at every depth near the limit must end as the rule's own outcome, and a
 * well-behaved rule must still write, publish and raise afterwards.
 */
class HostCallStackExhaustionTest {

  @Test
  void hostCallsWithAlmostNoStackLeftPoisonNothing() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    StackPoisonProbe.class.getName()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the probe finished");
    System.out.println(out);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("GOOD RULE OK"), out);
    for (String fn : List.of("write_bool", "publish", "alarm_raise", "log", "state_put")) {
      assertTrue(out.contains(fn + " boundary"), fn + " was probed: " + out);
    }
    // The probe really called them with less than a frame of stack to spare.
    assertTrue(out.matches("(?s).*write_bool boundary \\d+ reached.*"), out);
    assertTrue(out.matches("(?s).*publish boundary \\d+ reached.*"), out);
  }
}
