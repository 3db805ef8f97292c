package io.edgerule.adapter.modbus.internal.rtu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * RTU frames over a plain TCP socket: the raw/transparent mode of serial device servers (Moxa NPort
 * "TCP server", ser2net "raw"). The frames are the serial ones, CRC included; no MBAP header.
 */
public final class TcpBusPort implements BusPort {
  private final String host;
  private final int port;
  private final Duration connectTimeout;
  private volatile Socket socket;
  private volatile InputStream in;
  private volatile OutputStream out;

  public TcpBusPort(String host, int port, Duration connectTimeout) {
    this.host = host;
    this.port = port;
    this.connectTimeout = connectTimeout;
  }

  @Override
  public String endpoint() {
    return "tcp://" + host + ":" + port;
  }

  @Override
  public void open() throws IOException {
    close();
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true); // a frame is one write; do not hold it back
      s.connect(new InetSocketAddress(host, port), (int) Math.max(1, connectTimeout.toMillis()));
    } catch (UnknownHostException e) {
      s.close();
      throw new IOException("unknown host '" + host + "'");
    } catch (ConnectException e) {
      s.close();
      String m = String.valueOf(e.getMessage());
      throw new IOException(
          m.toLowerCase(java.util.Locale.ROOT).contains("refused")
              ? "connection refused by " + host + ":" + port
              : "cannot connect to " + host + ":" + port + ": " + m);
    } catch (SocketTimeoutException e) {
      s.close();
      throw new IOException(
          "connect timeout after " + connectTimeout.toMillis() + " ms to " + host + ":" + port);
    } catch (IOException e) {
      s.close();
      throw new IOException("cannot connect to " + host + ":" + port + ": " + e.getMessage());
    }
    socket = s;
    in = s.getInputStream();
    out = s.getOutputStream();
  }

  @Override
  public boolean isOpen() {
    return socket != null;
  }

  @Override
  public void write(byte[] frame) throws IOException {
    requireOpen();
    try {
      out.write(frame);
      out.flush();
    } catch (IOException e) {
      throw new IOException("connection to " + host + ":" + port + " lost: " + e.getMessage());
    }
  }

  @Override
  public int read(byte[] buffer, long waitNanos) throws IOException {
    requireOpen();
    try {
      if (waitNanos <= 0 && in.available() == 0) {
        return 0;
      }
      // SO_TIMEOUT 0 would wait forever: wait at least a millisecond
      socket.setSoTimeout((int) Math.max(1, (waitNanos + 999_999) / 1_000_000));
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("connection closed by " + host + ":" + port);
      }
      return n;
    } catch (SocketTimeoutException e) {
      return 0;
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("connection closed by")) {
        throw e;
      }
      throw new IOException("connection to " + host + ":" + port + " lost: " + e.getMessage());
    }
  }

  private void requireOpen() throws IOException {
    if (socket == null) {
      throw new IOException("not connected to " + host + ":" + port);
    }
  }

  @Override
  public void close() {
    Socket s = socket;
    socket = null;
    in = null;
    out = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
