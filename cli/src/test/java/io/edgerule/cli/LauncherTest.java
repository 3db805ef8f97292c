package io.edgerule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code ./edgerule} starts the JVM so that running out of heap ends the process
 * (issue 16): a gateway whose threads die one by one of OutOfMemoryError stayed "online" at the
 * broker until kill -9. Runs the real script with stand-ins for {@code java} and {@code mvn} on the
 * PATH that print their arguments.
 */
class LauncherTest {
  @TempDir Path bin;

  private void fake(String name, String body) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void theJvmExitsOnOutOfMemory() throws IOException, InterruptedException {
    fake("java", "echo \"java $*\"");
    fake("mvn", "exit 0");
    Path launcher = Path.of("..", "edgerule").toAbsolutePath().normalize();
    ProcessBuilder pb =
        new ProcessBuilder(List.of(launcher.toString(), "run", "gateway.yaml"))
            .redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("EDGERULE_JAVA_OPTS", "-Xmx256m");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    String javaLine = out.lines().filter(l -> l.startsWith("java ")).findFirst().orElse(out);
    assertTrue(
        javaLine.matches(
            "java -XX:\\+ExitOnOutOfMemoryError -Xmx256m -jar \\S+ run gateway\\.yaml"),
        javaLine);
  }
}
