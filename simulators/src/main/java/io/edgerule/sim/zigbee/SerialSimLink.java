package io.edgerule.sim.zigbee;

import com.fazecast.jSerialComm.SerialPort;
import io.edgerule.serial.SerialNative;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dongle end of a serial line (a real port or one end of a socat pty pair), via jSerialComm.
 */
final class SerialSimLink implements SimLink {
  private static final Logger log = LoggerFactory.getLogger(SerialSimLink.class);

  private final String path;
  private final SerialPort port;
  private volatile boolean closed;

  static {
    // Before jSerialComm's SerialPort initialises: on riscv64 it needs our native library.
    SerialNative.prepare();
  }

  private Thread reader;

  SerialSimLink(String path, int baud) {
    this.path = path;
    this.port = SerialPort.getCommPort(path);
    port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
    port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 200, 0);
  }

  @Override
  public void start(Consumer<byte[]> received) throws IOException {
    if (!port.openPort()) {
      throw new IOException(
          "cannot open serial port " + path + " (error " + port.getLastErrorCode() + ")");
    }
    port.flushIOBuffers();
    reader = new Thread(() -> readLoop(received), "zigbee-sim-serial-read");
    reader.setDaemon(true);
    reader.start();
  }

  private void readLoop(Consumer<byte[]> received) {
    byte[] buffer = new byte[1024];
    while (!closed) {
      int n = port.readBytes(buffer, buffer.length);
      if (n > 0) {
        received.accept(Arrays.copyOf(buffer, n));
      } else if (n < 0 && !closed) {
        log.warn("serial port {} read failed (error {})", path, port.getLastErrorCode());
        sleepBriefly();
      }
    }
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(200); // back off on a failing port instead of spinning
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void write(byte[] bytes) {
    if (closed) {
      return;
    }
    int written = port.writeBytes(bytes, bytes.length);
    if (written != bytes.length) {
      log.warn("serial port {}: wrote {} of {} bytes", path, written, bytes.length);
    }
  }

  @Override
  public String describe() {
    return "serial " + path;
  }

  @Override
  public void close() {
    closed = true;
    port.closePort();
    if (reader != null) {
      try {
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
