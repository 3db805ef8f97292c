package io.edgerule.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged program speaks systemd's notify protocol for real: a datagram socket bound by
 * python3 (Debian {@code python3}) stands in for systemd's NOTIFY_SOCKET, and the gateway runs as a
 * child process the way systemd starts it (NOTIFY_SOCKET, WATCHDOG_USEC). It must send READY=1 once
 * it runs, WATCHDOG=1 repeatedly while it runs, and STOPPING=1 on SIGTERM; with JOURNAL_STREAM
 * naming its output, every log line starts with its syslog level for journald.
 */
class SdNotifyIT {
  @TempDir Path tmp;

  @Test
  void readyWatchdogAndStoppingReachTheNotifySocket() throws Exception {
    Path jar = Path.of("target", "edgerule-daemon.jar");
    assertTrue(Files.exists(jar), "run after `package`: " + jar.toAbsolutePath());
    Path script = tmp.resolve("notify-receiver.py");
    try (InputStream in = SdNotifyIT.class.getResourceAsStream("/systemd/notify-receiver.py")) {
      Files.copy(in, script);
    }
    Path socket = tmp.resolve("notify.sock");
    List<String> received = new CopyOnWriteArrayList<>();
    Process receiver = startReceiver(script, socket, received);
    Process gateway = null;
    try {
      Poll.until(() -> received.contains("BOUND"), Duration.ofSeconds(30), "receiver bound");
      Path config = tmp.resolve("gateway.yaml");
      Files.writeString(config, "gateway: {id: notify-gw, state_dir: state}\n");
      Path log = Files.createFile(tmp.resolve("gateway.log"));
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString(),
                  "run",
                  "--config",
                  config.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("NOTIFY_SOCKET", socket.toString());
      pb.environment().put("WATCHDOG_USEC", "2000000"); // a ping every second
      // What systemd sets when stdout is the journal: the device and inode of the stream. Here the
      // stream is the log file, so the program must prefix its lines with their syslog level.
      pb.environment()
          .put(
              "JOURNAL_STREAM",
              Files.getAttribute(log, "unix:dev") + ":" + Files.getAttribute(log, "unix:ino"));
      gateway = pb.start();
      Process g = gateway;
      Poll.until(
          () -> received.stream().anyMatch(m -> m.startsWith("READY=1")) || !g.isAlive(),
          Duration.ofSeconds(60),
          "READY=1; received " + received);
      assertTrue(gateway.isAlive(), () -> "gateway exited: " + read(log));
      assertTrue(
          received.stream()
              .anyMatch(m -> m.equals("READY=1 | STATUS=running: 0 adapters, 0 rules")),
          received::toString);
      Poll.until(
          () -> received.stream().filter(m -> m.equals("WATCHDOG=1")).count() >= 3,
          Duration.ofSeconds(60),
          "three WATCHDOG=1; received " + received);
      int readyAt = indexOf(received, "READY=1");
      int firstPing = received.indexOf("WATCHDOG=1");
      assertTrue(readyAt < firstPing, () -> "pings before READY=1: " + received);

      gateway.destroy(); // SIGTERM, as systemctl stop
      assertTrue(gateway.waitFor(60, TimeUnit.SECONDS), "still running after SIGTERM");
      assertEquals(0, gateway.exitValue(), read(log));
      Poll.until(
          () -> received.stream().anyMatch(m -> m.startsWith("STOPPING=1")),
          Duration.ofSeconds(30),
          "STOPPING=1; received " + received);
      List<String> lines = read(log).lines().toList();
      assertTrue(
          lines.stream()
              .anyMatch(l -> l.startsWith("<6>") && l.contains("systemd watchdog: pinging every")),
          () -> "no info line with its journald prefix: " + lines);
      assertTrue(
          lines.stream().filter(l -> !l.isBlank()).allMatch(l -> l.matches("<[3-7]>.*")),
          () -> "a line without its level prefix: " + lines);
    } finally {
      if (gateway != null) {
        gateway.destroyForcibly();
      }
      receiver.destroyForcibly();
    }
  }

  private static int indexOf(List<String> messages, String prefix) {
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static Process startReceiver(Path script, Path socket, List<String> received)
      throws IOException {
    Process p;
    try {
      p =
          new ProcessBuilder("python3", script.toString(), socket.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new AssertionError("python3 is needed (Debian package python3): " + e, e);
    }
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  received.add(line);
                }
              } catch (IOException e) {
                received.add("READ FAILED: " + e);
              }
            },
            "notify-receiver");
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
