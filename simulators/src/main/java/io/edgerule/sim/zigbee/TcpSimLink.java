package io.edgerule.sim.zigbee;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server that carries the serial byte stream, like ser2net or an Ethernet Zigbee coordinator:
 * one host at a time; a new connection replaces the previous one.
 */
final class TcpSimLink implements SimLink {
  private static final Logger log = LoggerFactory.getLogger(TcpSimLink.class);

  private final ServerSocket server;
  private final Object lock = new Object();
  private Socket client;
  private volatile boolean closed;
  private Thread acceptThread;

  TcpSimLink(InetAddress bind, int port) throws IOException {
    server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(bind, port));
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void start(Consumer<byte[]> received) {
    acceptThread =
        new Thread(() -> acceptLoop(received), "zigbee-sim-tcp-accept-" + server.getLocalPort());
    acceptThread.setDaemon(true);
    acceptThread.start();
  }

  private void acceptLoop(Consumer<byte[]> received) {
    while (!closed) {
      try {
        Socket socket = server.accept();
        socket.setTcpNoDelay(true);
        synchronized (lock) {
          closeQuietly(client);
          client = socket;
        }
        log.info("host connected from {}", socket.getRemoteSocketAddress());
        Thread reader = new Thread(() -> readLoop(socket, received), "zigbee-sim-tcp-read");
        reader.setDaemon(true);
        reader.start();
      } catch (IOException e) {
        if (!closed) {
          log.warn("accept failed: {}", e.toString());
        }
      }
    }
  }

  private void readLoop(Socket socket, Consumer<byte[]> received) {
    byte[] buffer = new byte[1024];
    try (InputStream in = socket.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        received.accept(Arrays.copyOf(buffer, n));
      }
    } catch (SocketException e) {
      // closed by us or reset by the host
    } catch (IOException e) {
      log.warn("read from host failed: {}", e.toString());
    }
    log.info("host disconnected");
  }

  @Override
  public void write(byte[] bytes) {
    synchronized (lock) {
      if (client == null || client.isClosed()) {
        return;
      }
      try {
        OutputStream out = client.getOutputStream();
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        log.info("host gone while writing: {}", e.toString());
        closeQuietly(client);
        client = null;
      }
    }
  }

  /** Drops the current host connection, as a restarting ser2net would. */
  void dropConnection() {
    synchronized (lock) {
      closeQuietly(client);
      client = null;
    }
  }

  @Override
  public String describe() {
    return "tcp " + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    synchronized (lock) {
      closeQuietly(client);
      client = null;
    }
    if (acceptThread != null) {
      try {
        acceptThread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // nothing useful to do
    }
  }
}
