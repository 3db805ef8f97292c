package io.edgerule.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * The plain TCP sockets Paho connects with ({@code tcp://}; Paho refuses an {@code
 * SSLSocketFactory} there). Each has TCP_NODELAY set: Paho sets none, and a small publish then
 * waits for the peer's delayed ACK (~40 ms on Linux) before the next one leaves. Paho's socket (the
 * unconnected one of {@link #createSocket()}) gates its first read on its first write ({@link
 * ConnectGate}), and writes through the client's {@link WriteCoalescer}.
 */
public final class TcpSockets extends SocketFactory {
  private final WriteCoalescer writes;

  public TcpSockets(WriteCoalescer writes) {
    this.writes = writes;
  }

  @Override
  public Socket createSocket() throws IOException {
    Socket s = new GatedSocket(writes);
    s.setTcpNoDelay(true);
    return s;
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(new Socket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return noDelay(new Socket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(new Socket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(new Socket(address, port, localAddress, localPort));
  }

  static Socket noDelay(Socket s) throws SocketException {
    s.setTcpNoDelay(true);
    return s;
  }

  /**
   * A plain TCP socket whose first read waits for its first write. Paho asks once per connection
   * for its output stream.
   */
  private static final class GatedSocket extends Socket {
    private final ConnectGate gate = new ConnectGate();
    private final WriteCoalescer writes;

    GatedSocket(WriteCoalescer writes) {
      this.writes = writes;
    }

    @Override
    public InputStream getInputStream() throws IOException {
      return gate.input(super.getInputStream(), this::getSoTimeout);
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
      return writes.wrap(gate.output(super.getOutputStream()));
    }

    @Override
    public synchronized void close() throws IOException {
      gate.close();
      super.close();
    }
  }
}
