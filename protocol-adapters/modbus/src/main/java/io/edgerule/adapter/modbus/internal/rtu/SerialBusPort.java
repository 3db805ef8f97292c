package io.edgerule.adapter.modbus.internal.rtu;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import io.edgerule.adapter.modbus.Parity;
import io.edgerule.serial.SerialNative;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A serial port through jSerialComm, opened by path (real ports, {@code /dev/serial/by-id/...}
 * links and socat ptys alike).
 *
 * <ul>
 *   <li>The path is looked up again at every {@link #open()}: jSerialComm resolves a symbolic link
 *       when the port object is made, and a re-plugged adapter (or a restarted socat) gets a new
 *       node behind the same link. A missing node is reported as "port ... not present" instead of
 *       jSerialComm's exception, so a gateway that boots before its USB adapter keeps retrying.
 *   <li>Reads are non-blocking, waited out in steps of at most {@link #POLL_NANOS}: jSerialComm's
 *       blocking read timeouts go through termios VTIME, in tenths of a second, far coarser than
 *       RTU timing needs.
 *   <li>A read or write that fails means the port is gone (USB unplugged, pty closed).
 * </ul>
 */
public final class SerialBusPort implements BusPort {
  /** How long a wait for bytes sleeps between two non-blocking reads. */
  static final long POLL_NANOS = 500_000;

  private final String path;
  private final int baud;
  private final int dataBits;
  private final Parity parity;
  private final int stopBits;
  private final boolean rs485Mode;
  private volatile SerialPort port;

  static {
    // Before jSerialComm's SerialPort initialises: on riscv64 it needs our native library.
    SerialNative.prepare();
  }

  public SerialBusPort(
      String path, int baud, int dataBits, Parity parity, int stopBits, boolean rs485Mode) {
    this.path = path;
    this.baud = baud;
    this.dataBits = dataBits;
    this.parity = parity;
    this.stopBits = stopBits;
    this.rs485Mode = rs485Mode;
  }

  @Override
  public String endpoint() {
    return path;
  }

  @Override
  public void open() throws IOException {
    close();
    if (!Files.exists(Path.of(path))) {
      throw new IOException("port " + path + " not present");
    }
    SerialPort p;
    try {
      p = SerialPort.getCommPort(path);
    } catch (SerialPortInvalidPortException e) { // vanished between the check and here
      throw new IOException("port " + path + " not present");
    }
    p.setComPortParameters(baud, dataBits, stopBits(), parity(), rs485Mode);
    p.setComPortTimeouts(SerialPort.TIMEOUT_NONBLOCKING, 0, 0);
    if (!p.openPort()) {
      throw new IOException("cannot open port " + path + ": " + describe(p.getLastErrorCode()));
    }
    // Bytes sent to a pty while nobody had it open are delivered now: start clean.
    p.flushIOBuffers();
    port = p;
  }

  private int stopBits() {
    return stopBits == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT;
  }

  private int parity() {
    return switch (parity) {
      case NONE -> SerialPort.NO_PARITY;
      case EVEN -> SerialPort.EVEN_PARITY;
      case ODD -> SerialPort.ODD_PARITY;
    };
  }

  /** jSerialComm reports errno values; name the ones people meet. */
  static String describe(int errno) {
    return switch (errno) {
      case 2 -> "not present";
      case 13 -> "permission denied (add the user to the dialout group)";
      case 16 -> "busy (another program has it open)";
      case 11 -> "locked by another program";
      default -> "error " + errno;
    };
  }

  @Override
  public boolean isOpen() {
    return port != null;
  }

  @Override
  public void write(byte[] frame) throws IOException {
    SerialPort p = requireOpen();
    int written = p.writeBytes(frame, frame.length);
    if (written != frame.length) {
      throw new IOException(lost("write failed"));
    }
  }

  @Override
  public int read(byte[] buffer, long waitNanos) throws IOException {
    SerialPort p = requireOpen();
    long start = System.nanoTime();
    while (true) {
      int n = p.readBytes(buffer, buffer.length);
      if (n < 0) {
        throw new IOException(lost("read failed"));
      }
      long waited = System.nanoTime() - start;
      if (n > 0 || waited >= waitNanos) {
        return n;
      }
      LockSupport.parkNanos(Math.min(POLL_NANOS, waitNanos - waited));
    }
  }

  private String lost(String what) {
    return Files.exists(Path.of(path))
        ? "port " + path + " lost (" + what + ")"
        : "port " + path + " lost (device node removed)";
  }

  private SerialPort requireOpen() throws IOException {
    SerialPort p = port;
    if (p == null) {
      throw new IOException("port " + path + " is not open");
    }
    return p;
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
