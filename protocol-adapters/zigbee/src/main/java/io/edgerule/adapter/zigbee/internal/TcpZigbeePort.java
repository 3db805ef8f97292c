package io.edgerule.adapter.zigbee.internal;

import io.edgerule.adapter.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadFactory;

/** A coordinator behind ser2net or on Ethernet: the serial byte stream over a TCP connection. */
public final class TcpZigbeePort extends GuardedZigbeePort {
  private static final int CONNECT_TIMEOUT_MILLIS = 5000;
  private static final int READ_TIMEOUT_MILLIS = 200;

  private final String host;
  private final int port;
  private volatile Socket socket;
  private volatile InputStream in;
  private volatile OutputStream out;

  public TcpZigbeePort(
      String host, int port, ThreadFactory threadFactory, PortEvents events, Backoff backoff) {
    super(threadFactory, events, backoff);
    this.host = host;
    this.port = port;
  }

  @Override
  protected void openLine() throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      s.setTcpNoDelay(true);
      s.setKeepAlive(true);
    } catch (IOException e) {
      s.close();
      throw new IOException("tcp " + host + ":" + port + ": " + e.getMessage(), e);
    }
    socket = s;
    in = s.getInputStream();
    out = s.getOutputStream();
  }

  @Override
  protected int readLine(byte[] buffer) throws IOException {
    InputStream stream = in;
    if (stream == null) {
      throw new IOException("tcp " + host + ":" + port + " is closed");
    }
    try {
      int n = stream.read(buffer);
      if (n < 0) {
        throw new IOException("tcp " + host + ":" + port + ": connection closed by the remote end");
      }
      return n;
    } catch (SocketTimeoutException e) {
      return 0;
    }
  }

  @Override
  protected void writeLine(byte[] bytes) throws IOException {
    OutputStream stream = out;
    if (stream == null) {
      throw new IOException("tcp " + host + ":" + port + " is closed");
    }
    stream.write(bytes);
    stream.flush();
  }

  @Override
  protected void closeLine() {
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

  @Override
  public String describe() {
    return "tcp " + host + ":" + port;
  }
}
