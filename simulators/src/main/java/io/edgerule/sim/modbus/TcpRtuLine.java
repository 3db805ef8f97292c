package io.edgerule.sim.modbus;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * RTU frames over TCP, as a serial device server in raw mode offers them (Moxa NPort "TCP server",
 * ser2net raw): one client at a time, the bytes of the serial line, no MBAP header.
 */
final class TcpRtuLine implements RtuLine {
  private final String bindAddress;
  private volatile int port;
  private volatile ServerSocket server;
  private volatile Socket client;

  TcpRtuLine(String bindAddress, int port) {
    this.bindAddress = bindAddress;
    this.port = port;
  }

  /** The bound port (the one picked when asked for 0). */
  int port() {
    return port;
  }

  @Override
  public void open() throws IOException {
    close();
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true); // a restart binds the same port at once
    try {
      s.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port));
    } catch (IOException e) {
      s.close();
      throw new IOException("cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage());
    }
    port = s.getLocalPort();
    server = s;
  }

  @Override
  public int read(byte[] buffer, int waitMillis) throws IOException {
    ServerSocket s = server;
    if (s == null) {
      throw new IOException("not listening");
    }
    Socket c = client;
    if (c == null) {
      s.setSoTimeout(Math.max(1, waitMillis));
      try {
        c = s.accept();
        c.setTcpNoDelay(true);
        client = c;
      } catch (SocketTimeoutException e) {
        return 0;
      }
    }
    try {
      c.setSoTimeout(Math.max(1, waitMillis));
      InputStream in = c.getInputStream();
      int n = in.read(buffer);
      if (n < 0) {
        dropClient();
        return 0;
      }
      return n;
    } catch (SocketTimeoutException e) {
      return 0;
    } catch (IOException e) {
      dropClient(); // the master went away; wait for the next one
      return 0;
    }
  }

  private void dropClient() {
    Socket c = client;
    client = null;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // gone anyway
      }
    }
  }

  @Override
  public synchronized void write(byte[] bytes) throws IOException {
    Socket c = client;
    if (c == null) {
      return;
    }
    try {
      c.getOutputStream().write(bytes);
      c.getOutputStream().flush();
    } catch (IOException e) {
      dropClient();
    }
  }

  @Override
  public String describe() {
    return "tcp " + bindAddress + ":" + port;
  }

  @Override
  public void close() {
    dropClient();
    ServerSocket s = server;
    server = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
