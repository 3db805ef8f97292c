package io.edgerule.sim.modbus;

import com.fazecast.jSerialComm.SerialPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A bare-bytes RTU master for simulator tests: writes hand-built frames and returns what comes back
 * in a time window. Its CRC is the bitwise textbook loop, independent of the table-driven ones in
 * the simulator and the adapter.
 */
final class RawRtuMaster implements AutoCloseable {
  private final SerialPort serial;
  private final Socket socket;

  private RawRtuMaster(SerialPort serial, Socket socket) {
    this.serial = serial;
    this.socket = socket;
  }

  static RawRtuMaster serial(String path) {
    SerialPort p = SerialPort.getCommPort(path);
    p.setComPortTimeouts(SerialPort.TIMEOUT_NONBLOCKING, 0, 0);
    if (!p.openPort()) {
      throw new IllegalStateException("cannot open " + path + ": " + p.getLastErrorCode());
    }
    p.flushIOBuffers();
    return new RawRtuMaster(p, null);
  }

  static RawRtuMaster tcp(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setTcpNoDelay(true);
    return new RawRtuMaster(null, s);
  }

  /** unit + pdu + CRC. */
  static byte[] frame(int unit, int... pdu) {
    byte[] f = new byte[pdu.length + 3];
    f[0] = (byte) unit;
    for (int i = 0; i < pdu.length; i++) {
      f[i + 1] = (byte) pdu[i];
    }
    int crc = crc(f, pdu.length + 1);
    f[pdu.length + 1] = (byte) crc;
    f[pdu.length + 2] = (byte) (crc >> 8);
    return f;
  }

  static int crc(byte[] data, int length) {
    int crc = 0xFFFF;
    for (int i = 0; i < length; i++) {
      crc ^= data[i] & 0xFF;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1;
      }
    }
    return crc;
  }

  void send(byte[] frame) throws IOException {
    if (serial != null) {
      if (serial.writeBytes(frame, frame.length) != frame.length) {
        throw new IOException("write failed");
      }
    } else {
      socket.getOutputStream().write(frame);
      socket.getOutputStream().flush();
    }
  }

  /** Everything that arrives until {@code expected} bytes came or {@code window} passed. */
  byte[] receive(int expected, Duration window) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + window.toNanos();
    byte[] buf = new byte[512];
    while (got.size() < expected && System.nanoTime() < deadline) {
      int n;
      if (serial != null) {
        n = serial.readBytes(buf, buf.length);
        if (n < 0) {
          throw new IOException("read failed");
        }
        if (n == 0) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
      } else {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        socket.setSoTimeout((int) left);
        InputStream in = socket.getInputStream();
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          n = 0;
        }
        if (n < 0) {
          throw new IOException("closed by the simulator");
        }
      }
      if (n > 0) {
        got.write(buf, 0, n);
      }
    }
    return got.toByteArray();
  }

  byte[] ask(byte[] frame, int expected) throws IOException {
    send(frame);
    return receive(expected, Duration.ofSeconds(2));
  }

  @Override
  public void close() throws IOException {
    if (serial != null) {
      serial.closePort();
    } else {
      socket.close();
    }
  }
}
