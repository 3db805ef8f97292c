package io.edgerule.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class SocketsTest {

  @Test
  void paHosTcpSocketHasNoDelayAndReadsNothingBeforeItsFirstWrite() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket s = new TcpSockets(new WriteCoalescer()).createSocket()) {
      assertTrue(s.getTcpNoDelay(), "TCP_NODELAY before connect");
      s.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
      assertTrue(s.getTcpNoDelay(), "TCP_NODELAY after connect");
      try (Socket peer = server.accept()) {
        peer.getOutputStream().write(42); // the peer speaks first (a broker closing, an alert)
        peer.getOutputStream().flush();
        s.setSoTimeout(200);
        InputStream in = s.getInputStream();
        assertEquals(0, in.available(), "nothing readable before our first write");
        assertThrows(SocketTimeoutException.class, in::read);

        OutputStream out = s.getOutputStream();
        out.write(new byte[] {0x10, 0}); // our CONNECT
        out.flush();
        s.setSoTimeout(10_000);
        assertEquals(42, in.read(), "after our first write the peer's byte is read");
        assertEquals(0x10, peer.getInputStream().read());
      }
    }
  }

  @Test
  void aClosedGatedSocketEndsAWaitingRead() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Socket s = new TcpSockets(new WriteCoalescer()).createSocket();
      s.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
      InputStream in = s.getInputStream();
      Thread closer =
          new Thread(
              () -> {
                try {
                  s.close();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      closer.start();
      assertThrows(java.net.SocketException.class, in::read);
      closer.join();
    }
  }

  @Test
  void tlsSocketsHaveNoDelay() throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket s =
            new TlsSockets(context.getSocketFactory(), new WriteCoalescer()).createSocket()) {
      assertTrue(s instanceof javax.net.ssl.SSLSocket, "Paho requires an SSLSocket for ssl://");
      s.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
      assertTrue(s.getTcpNoDelay());
    }
  }
}
