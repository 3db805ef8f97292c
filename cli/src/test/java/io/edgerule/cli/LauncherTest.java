package io.edgerule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code ./edgerule} starts the JVM with the shipped options, among them the one that
 * makes running out of heap end the process (issue 16): a gateway whose threads die one by one of
 * OutOfMemoryError stayed "online" at the broker until kill -9. Runs the real script with stand-ins
 * for {@code java} and {@code mvn} on the PATH that print their arguments.
 */
class LauncherTest {
  @TempDir Path bin;

  private void fake(String name, String body) throws IOException {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private String javaLine(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    fake("java", "echo \"java $*\"");
    fake("mvn", "exit 0");
    Path launcher = Path.of("..", "edgerule").toAbsolutePath().normalize();
    List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, p.exitValue(), out);
    return out.lines().filter(l -> l.startsWith("java ")).findFirst().orElse(out);
  }

  @Test
  void theJvmExitsOnOutOfMemory() throws IOException, InterruptedException {
    String line =
        javaLine(
            Map.of("EDGERULE_JAVA_OPTS", "-Xmx256m", "EDGERULE_CDS", "off"), "run", "gateway.yaml");
    assertTrue(
        line.matches("java @(\\S+/jvm\\.options) -Xmx256m -jar \\S+ run gateway\\.yaml"), line);
    // The shipped options file (the Debian package's) is where the flag lives.
    Path options = Path.of(line.split(" ")[1].substring(1));
    List<String> flags =
        Files.readAllLines(options).stream()
            .map(l -> l.replaceAll("#.*", "").strip())
            .filter(l -> !l.isEmpty())
            .toList();
    assertTrue(flags.contains("-XX:+ExitOnOutOfMemoryError"), flags.toString());
  }

  @Test
  void aRecordedClassDataSharingArchiveIsUsed() throws IOException, InterruptedException {
    Path archive = Path.of("target", "edgerule.jsa").toAbsolutePath();
    Files.createDirectories(archive.getParent());
    Files.write(archive, new byte[] {1}); // newer than the jar: taken as this build's archive
    try {
      String line = javaLine(Map.of(), "run", "gateway.yaml");
      assertTrue(line.contains(" -XX:SharedArchiveFile=" + archive + " "), line);
      String off = javaLine(Map.of("EDGERULE_CDS", "off"), "run", "gateway.yaml");
      assertFalse(off.contains("SharedArchiveFile"), off);
    } finally {
      Files.delete(archive);
    }
  }
}
