package io.edgerule.mqtt.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker on a free loopback port, configured in a temp folder; optionally with a
 * TLS listener. Tests that need it fail (never skip) when the binary is missing, naming the Debian
 * package. Started as root, Mosquitto drops to the {@code mosquitto} user: the folder and the TLS
 * files are made readable for it.
 */
public final class Mosquitto implements TestBroker {
  private final String binary;
  private final Path dir;
  private final int port;
  private final Tls tls;
  private final List<String> extra;
  private final Path log;
  private Process process;

  /** TLS listener settings: PEM files; {@code requireCertificate} for mutual TLS. */
  public record Tls(Path caFile, Path certFile, Path keyFile, boolean requireCertificate) {}

  private Mosquitto(String binary, Path dir, int port, Tls tls, List<String> extra) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.tls = tls;
    this.extra = List.copyOf(extra);
    this.log = dir.resolve("mosquitto-" + port + ".log");
  }

  /** A plain MQTT listener. */
  public static Mosquitto start(Path dir) throws IOException, InterruptedException {
    return start(dir, null);
  }

  /** A TLS listener (plain MQTT if {@code tls} is null). */
  public static Mosquitto start(Path dir, Tls tls) throws IOException, InterruptedException {
    return start(dir, tls, List.of());
  }

  /**
   * With extra configuration lines, e.g. {@code max_queued_messages 0} so that a slow subscriber of
   * a load test loses nothing (Mosquitto drops QoS 1 messages beyond 1000 queued by default).
   */
  public static Mosquitto start(Path dir, Tls tls, List<String> extra)
      throws IOException, InterruptedException {
    String binary = findBinary();
    // The free port is found by binding port 0 and closing it, so another program can take it
    // before the broker binds it (the ephemeral range is shared with every client connection on
    // the machine). The broker then exits with "Address already in use": try another port.
    for (int attempt = 1; ; attempt++) {
      Mosquitto m = new Mosquitto(binary, dir, freePort(), tls, extra);
      try {
        m.launch();
        return m;
      } catch (IllegalStateException e) {
        if (attempt >= 5 || m.process.isAlive() || !m.log().contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  private void launch() throws IOException, InterruptedException {
    List<String> lines = new ArrayList<>();
    lines.add("listener " + port + " 127.0.0.1");
    lines.add("allow_anonymous true");
    lines.add("persistence false");
    lines.add("log_dest stdout");
    lines.add("log_type error");
    lines.add("log_type warning");
    if (tls != null) {
      lines.add("cafile " + readableWithFolder(tls.caFile()));
      lines.add("certfile " + readableWithFolder(tls.certFile()));
      lines.add("keyfile " + readableWithFolder(tls.keyFile()));
      lines.add("require_certificate " + tls.requireCertificate());
    }
    lines.addAll(extra);
    lines.add("");
    readable(dir);
    Path conf = dir.resolve("mosquitto-" + port + ".conf");
    Files.writeString(conf, String.join("\n", lines));
    process =
        new ProcessBuilder(binary, "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    awaitListening(Duration.ofSeconds(20));
  }

  private static Path readableWithFolder(Path file) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    if (folder != null) {
      readable(folder);
    }
    return readable(file);
  }

  /** Makes a file or folder readable (and a folder enterable) by the broker's own user. */
  private static Path readable(Path p) throws IOException {
    try {
      Files.setPosixFilePermissions(
          p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system: nothing to do
    }
    return p;
  }

  private static String findBinary() {
    for (String candidate :
        List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "the mosquitto broker is not installed: install the Debian package 'mosquitto' (apt-get install mosquitto)");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitListening(Duration timeout) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mosquitto exited: " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(
            20); // polling interval while waiting for the listener, bounded by the deadline
      }
    }
    throw new IllegalStateException("mosquitto did not listen on " + port + " within " + timeout);
  }

  public int port() {
    return port;
  }

  /** {@code tcp://127.0.0.1:port}. */
  @Override
  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** {@code scheme://host:port}, e.g. {@code ssl://localhost:port}. */
  public String uri(String scheme, String host) {
    return scheme + "://" + host + ":" + port;
  }

  public long pid() {
    return process.pid();
  }

  /** What the broker logged so far (errors and warnings). */
  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** Stops the broker (SIGTERM) and starts it again on the same port; it forgets all sessions. */
  public void restart() throws IOException, InterruptedException {
    stop();
    launch();
  }

  /** Kills the broker at once (SIGKILL): clients see their connection reset. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** Starts a killed or stopped broker again on the same port. */
  public void startAgain() throws IOException, InterruptedException {
    if (process.isAlive()) {
      throw new IllegalStateException("broker still running");
    }
    launch();
  }

  /** SIGSTOP: the broker keeps its connections open but reads and answers nothing. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    // The shell's built-in kill: a minimal Debian has no /bin/kill (procps), and Java cannot send
    // SIGSTOP or SIGCONT itself.
    Process kill =
        new ProcessBuilder("/bin/sh", "-c", "kill -" + name + " " + process.pid())
            .redirectErrorStream(true)
            .start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  private void stop() throws InterruptedException {
    if (process.isAlive()) {
      signalQuietly("CONT");
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private void signalQuietly(String name) throws InterruptedException {
    try {
      signal(name);
    } catch (IOException | IllegalStateException e) {
      // already gone
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
