package io.edgerule.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS sockets Paho connects with ({@code ssl://}): TCP_NODELAY set and, on Paho's unconnected
 * socket, the first read gated on the first write and the writes through the client's {@link
 * WriteCoalescer}, as in {@link TcpSockets}.
 */
public final class TlsSockets extends SSLSocketFactory {
  private final SSLSocketFactory tls;
  private final WriteCoalescer writes;

  public TlsSockets(SSLSocketFactory tls, WriteCoalescer writes) {
    this.tls = tls;
    this.writes = writes;
  }

  @Override
  public Socket createSocket() throws IOException {
    SSLSocket s = (SSLSocket) tls.createSocket();
    s.setTcpNoDelay(true);
    return new GatedSslSocket(s, writes);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return TcpSockets.noDelay(tls.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return TcpSockets.noDelay(tls.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return TcpSockets.noDelay(tls.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return TcpSockets.noDelay(tls.createSocket(address, port, localAddress, localPort));
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose)
      throws IOException {
    return TcpSockets.noDelay(tls.createSocket(s, host, port, autoClose));
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return tls.getDefaultCipherSuites();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }
}
