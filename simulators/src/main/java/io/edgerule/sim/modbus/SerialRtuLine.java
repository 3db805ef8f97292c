package io.edgerule.sim.modbus;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import io.edgerule.serial.SerialNative;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A serial port (or one end of a socat pty pair) through jSerialComm. */
final class SerialRtuLine implements RtuLine {
  private final String path;
  private final int baud;
  private final int parity;
  private final int stopBits;
  private volatile SerialPort port;

  static {
    // Before jSerialComm's SerialPort initialises: on riscv64 it needs our native library.
    SerialNative.prepare();
  }

  /**
   * @param parity 'N', 'E' or 'O'
   * @param stopBits 1 or 2
   */
  SerialRtuLine(String path, int baud, char parity, int stopBits) {
    this.path = path;
    this.baud = baud;
    this.parity =
        switch (Character.toUpperCase(parity)) {
          case 'N' -> SerialPort.NO_PARITY;
          case 'E' -> SerialPort.EVEN_PARITY;
          case 'O' -> SerialPort.ODD_PARITY;
          default -> throw new IllegalArgumentException("parity must be N, E or O, got " + parity);
        };
    if (stopBits != 1 && stopBits != 2) {
      throw new IllegalArgumentException("stop bits must be 1 or 2, got " + stopBits);
    }
    this.stopBits = stopBits == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT;
  }

  @Override
  public void open() throws IOException {
    close();
    if (!Files.exists(Path.of(path))) {
      throw new IOException("serial port " + path + " not present");
    }
    SerialPort p;
    try {
      p = SerialPort.getCommPort(path); // again each time: a new pty behind the same link
    } catch (SerialPortInvalidPortException e) {
      throw new IOException("serial port " + path + " not present");
    }
    p.setComPortParameters(baud, 8, stopBits, parity);
    // 100 ms is the finest read timeout jSerialComm has (termios VTIME); a slave needs no finer
    p.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 100, 0);
    if (!p.openPort()) {
      throw new IOException("cannot open " + path + " (error " + p.getLastErrorCode() + ")");
    }
    p.flushIOBuffers(); // bytes written while nobody had it open are not for us
    port = p;
  }

  @Override
  public int read(byte[] buffer, int waitMillis) throws IOException {
    SerialPort p = port;
    if (p == null) {
      throw new IOException("serial port " + path + " is closed");
    }
    int n = p.readBytes(buffer, buffer.length);
    if (n < 0) {
      throw new IOException("serial port " + path + " read failed (gone?)");
    }
    return n;
  }

  @Override
  public synchronized void write(byte[] bytes) throws IOException {
    SerialPort p = port;
    if (p == null) {
      return;
    }
    if (p.writeBytes(bytes, bytes.length) != bytes.length) {
      throw new IOException("serial port " + path + " write failed");
    }
  }

  @Override
  public String describe() {
    return "serial " + path;
  }

  @Override
  public void close() {
    SerialPort p = port;
    port = null;
    if (p != null) {
      p.closePort();
    }
  }
}
