package io.edgerule.sim.zigbee;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A virtual serial cable: {@code socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B}. The
 * simulated dongle opens one end, the gateway the other, both by path (jSerialComm opens ptys by
 * their link path).
 */
public final class SocatPty implements AutoCloseable {
  private final Process process;
  private final Path dongleEnd;
  private final Path hostEnd;

  private SocatPty(Process process, Path dongleEnd, Path hostEnd) {
    this.process = process;
    this.dongleEnd = dongleEnd;
    this.hostEnd = hostEnd;
  }

  /**
   * Starts socat and waits until both link paths exist.
   *
   * @throws IOException when socat is missing (Debian package "socat") or does not come up
   */
  public static SocatPty create(Path dongleEnd, Path hostEnd) throws IOException {
    List<String> command =
        List.of(
            "socat",
            "-d",
            "-d",
            "pty,raw,echo=0,link=" + dongleEnd.toAbsolutePath(),
            "pty,raw,echo=0,link=" + hostEnd.toAbsolutePath());
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run socat for a virtual serial port: install the Debian package 'socat' ("
              + e.getMessage()
              + ")",
          e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!(Files.exists(dongleEnd) && Files.exists(hostEnd))) {
      if (!process.isAlive()) {
        throw new IOException("socat exited with " + process.exitValue() + ": " + command);
      }
      if (System.nanoTime() > deadline) {
        process.destroy();
        throw new IOException("socat did not create " + dongleEnd + " and " + hostEnd + " in 5 s");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        process.destroy();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for socat", e);
      }
    }
    return new SocatPty(process, dongleEnd, hostEnd);
  }

  /** The end the simulated dongle opens. */
  public Path dongleEnd() {
    return dongleEnd;
  }

  /** The end the gateway opens (its configured {@code port}). */
  public Path hostEnd() {
    return hostEnd;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
