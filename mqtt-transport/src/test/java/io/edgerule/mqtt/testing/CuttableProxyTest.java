package io.edgerule.mqtt.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The relay keeps its port while cut (no other process can take it before {@code restore}), resets
 * connections made while cut, and relays again after {@code restore}.
 */
class CuttableProxyTest {

  /** A one-byte echo server standing in for the broker. */
  private static ServerSocket echo() throws IOException {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                  int b = c.getInputStream().read();
                  c.getOutputStream().write(b);
                } catch (IOException e) {
                  // next
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return s;
  }

  private static int roundTrip(int port, int b) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      return in.read();
    }
  }

  @Test
  void keepsItsPortWhileCutResetsNewConnectionsAndRelaysAgainAfterRestore() throws Exception {
    try (ServerSocket broker = echo();
        CuttableProxy proxy = new CuttableProxy(broker.getLocalPort())) {
      assertEquals(7, roundTrip(proxy.port(), 7));
      proxy.cut();
      try (ServerSocket other = new ServerSocket()) {
        assertThrows(
            BindException.class,
            () -> other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port())),
            "another process cannot take the port while the link is cut");
      }
      // Connecting may succeed (the relay accepts), but nothing comes back: reset or closed.
      int answer;
      try {
        answer = roundTrip(proxy.port(), 8);
      } catch (IOException e) {
        answer = -1;
      }
      assertEquals(-1, answer, "no relay while cut");
      proxy.restore();
      assertEquals(9, roundTrip(proxy.port(), 9));
    }
  }
}
