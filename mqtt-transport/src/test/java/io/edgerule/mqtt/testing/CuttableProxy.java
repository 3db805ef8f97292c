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
 * new ones refused) and restore: the broker is unreachable for whoever connects through it, while a
 * subscriber connected directly keeps its session (a killed Mosquitto without persistence would
 * also lose what it had already acknowledged, which no client can prevent).
 */
public final class CuttableProxy implements AutoCloseable {
  private final int port;
  private final int target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;

  public CuttableProxy(int port, int target) throws IOException {
    this.port = port;
    this.target = target;
    restore();
  }

  public int port() {
    return port;
  }

  public synchronized void restore() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = s;
    Thread t = new Thread(() -> accept(s), "proxy-accept");
    t.setDaemon(true);
    t.start();
  }

  public synchronized void cut() {
    closeQuietly(server);
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

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        return; // cut
      }
    }
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
  public void close() {
    cut();
  }
}
