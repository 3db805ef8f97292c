package io.edgerule.mqtt.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a loopback port to a broker whose link the test can cut (every connection reset,
 * new ones reset as soon as they are accepted) and restore: the broker is unreachable for whoever
 * connects through it, while a subscriber connected directly keeps its session (a killed Mosquitto
 * without persistence would also lose what it had already acknowledged, which no client can
 * prevent). The listening socket stays open from start to {@link #close()}, also while cut, so no
 * other process can take the port in between.
 */
public final class CuttableProxy implements AutoCloseable {
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private volatile boolean cut;

  /**
   * A relay to {@code target} on a loopback port the system chooses ({@link #port()}), bound once
   * (a port picked beforehand and bound later could be taken by another process in between).
   */
  public CuttableProxy(int target) throws IOException {
    this(0, target);
  }

  /**
   * A relay on {@code port} (0: one the system chooses), bound once for its whole life. Prefer
   * {@link #CuttableProxy(int)}: a port picked beforehand can be taken before this binds it.
   */
  public CuttableProxy(int port, int target) throws IOException {
    this.target = target;
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread t = new Thread(this::accept, "proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** New connections reach the broker again. */
  public synchronized void restore() {
    cut = false;
  }

  /** Resets every connection through the relay; new ones are reset as soon as accepted. */
  public synchronized void cut() {
    cut = true;
    resetAll();
  }

  private void resetAll() {
    for (Socket s : sockets) {
      try {
        s.setSoLinger(true, 0); // reset, as a dead link or host would
      } catch (IOException e) {
        // already closed
      }
      closeQuietly(s);
    }
    sockets.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      synchronized (this) { // cut() resets what is in sockets: no connection slips past it
        if (cut) {
          reset(client);
          continue;
        }
        try {
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
          sockets.add(client);
          sockets.add(upstream);
          pipe(client, upstream);
          pipe(upstream, client);
        } catch (IOException e) {
          reset(client); // the broker is not there
        }
      }
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    closeQuietly(s);
  }

  private void pipe(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                  out.write(buf, 0, n);
                }
              } catch (IOException e) {
                // cut or closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "proxy-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception e) {
      // nothing to do
    }
  }

  @Override
  public synchronized void close() {
    closeQuietly(server);
    cut();
  }
}
