package io.edgerule.daemon.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Mosquitto broker on a free loopback port, configured in a temp folder. Tests that need it
 * fail (never skip) when the binary is missing, naming the Debian package.
 */
public final class Mosquitto implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private Mosquitto(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static Mosquitto start(Path dir) throws IOException, InterruptedException {
    String binary = findBinary();
    int port = freePort();
    Path conf = dir.resolve("mosquitto.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "listener " + port + " 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            ""));
    Path log = dir.resolve("mosquitto.log");
    Process p =
        new ProcessBuilder(binary, "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Mosquitto m = new Mosquitto(p, port, log);
    m.awaitListening(Duration.ofSeconds(10));
    return m;
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

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
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

  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
