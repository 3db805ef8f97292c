package io.edgerule.sim.modbus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A virtual serial cable between two paths: {@code socat -d -d pty,raw,echo=0,link=A
 * pty,raw,echo=0,link=B}. The simulator opens one end, the gateway the other, both by path
 * (jSerialComm opens a pty by its link path; {@code SerialPort.getCommPorts()} does not list ptys).
 *
 * <p>{@link #unplug()} kills socat: both links vanish and both ends read an error, as when a USB
 * adapter is pulled. {@link #plugIn()} starts socat again on the same paths (new ptys behind them,
 * as a re-plugged adapter gets a new device node).
 */
public final class PtyPair implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(5);

  private final Path a;
  private final Path b;
  private Process socat;

  private PtyPair(Path a, Path b) {
    this.a = a.toAbsolutePath();
    this.b = b.toAbsolutePath();
  }

  /**
   * Starts socat and waits (poll with a 5 s deadline) until both links exist.
   *
   * @throws IOException when socat is missing ("install the Debian package socat") or does not come
   *     up
   */
  public static PtyPair create(Path a, Path b) throws IOException {
    PtyPair pair = new PtyPair(a, b);
    pair.plugIn();
    return pair;
  }

  /** One end (give it to the simulator). */
  public Path a() {
    return a;
  }

  /** The other end (give it to the gateway). */
  public Path b() {
    return b;
  }

  public synchronized boolean isPluggedIn() {
    return socat != null && socat.isAlive();
  }

  /** Starts socat (again) and waits for both links. */
  public synchronized void plugIn() throws IOException {
    if (isPluggedIn()) {
      return;
    }
    List<String> command =
        List.of("socat", "-d", "-d", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b);
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run socat for a virtual serial port: install the Debian package socat ("
              + e.getMessage()
              + ")",
          e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!(Files.exists(a) && Files.exists(b))) {
      if (!p.isAlive()) {
        throw new IOException("socat exited with " + p.exitValue() + ": " + command);
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IOException("socat did not create " + a + " and " + b + " in " + START_TIMEOUT);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // poll with deadline
    }
    socat = p;
  }

  /** Kills socat and waits until both links are gone (a pulled USB adapter). */
  public synchronized void unplug() {
    Process p = socat;
    socat = null;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(2, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while ((Files.exists(a) || Files.exists(b)) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  @Override
  public void close() {
    unplug();
  }
}
