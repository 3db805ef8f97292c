package io.edgerule.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A TLS socket whose first application read waits for the first application write ({@link
 * ConnectGate}); everything else goes to the JDK's socket. The handshake is not affected: it reads
 * and writes below the application streams.
 */
final class GatedSslSocket extends SSLSocket {
  private final SSLSocket d;
  private final ConnectGate gate = new ConnectGate();
  private volatile long handshakeNanos = -1;
  private volatile int early = -1; // a byte the probe read, for the reader

  private final WriteCoalescer writes;

  GatedSslSocket(SSLSocket delegate, WriteCoalescer writes) {
    this.d = delegate;
    this.writes = writes;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    InputStream in = d.getInputStream();
    InputStream withEarly =
        new InputStream() {
          @Override
          public int read() throws IOException {
            int b = early;
            if (b >= 0) {
              early = -1;
              return b;
            }
            return in.read();
          }

          @Override
          public int read(byte[] buf, int off, int len) throws IOException {
            int b = early;
            if (b >= 0 && len > 0) {
              early = -1;
              buf[off] = (byte) b;
              return 1;
            }
            return in.read(buf, off, len);
          }

          @Override
          public int available() throws IOException {
            return (early >= 0 ? 1 : 0) + in.available();
          }
        };
    return gate.input(withEarly, d::getSoTimeout);
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return writes.wrap(gate.output(d.getOutputStream(), this::refusalAfterHandshake));
  }

  @Override
  public void startHandshake() throws IOException {
    long start = System.nanoTime();
    HandshakeWitness.begin();
    try {
      d.startHandshake();
    } catch (javax.net.ssl.SSLException e) {
      throw e;
    } catch (IOException e) {
      javax.net.ssl.SSLHandshakeException refusal = HandshakeWitness.refusal(e);
      throw refusal != null ? refusal : e;
    }
    handshakeNanos = System.nanoTime() - start;
  }

  /**
   * In TLS 1.3 the broker checks our certificate after our side of the handshake is done: a refusal
   * (alert certificate_required, unknown_ca, ...) arrives while Paho already writes CONNECT, and
   * whether Paho then reports the alert or a "Broken pipe" was a race. So before the first write we
   * wait for a refusal for about as long as the handshake took (the round trips and the broker's
   * load), plus a margin. Nothing else can arrive: a broker sends nothing before CONNECT. A byte
   * that arrives anyway is kept for the reader.
   */
  private void refusalAfterHandshake() throws IOException {
    if (handshakeNanos < 0 || !"TLSv1.3".equals(d.getSession().getProtocol())) {
      return;
    }
    long waitMillis = Math.min(5000, 100 + handshakeNanos / 1_000_000L);
    int soTimeout = d.getSoTimeout();
    d.setSoTimeout((int) waitMillis);
    try {
      int b = d.getInputStream().read();
      if (b < 0) {
        throw new java.io.EOFException(
            "the broker closed the connection right after the TLS handshake");
      }
      early = b;
    } catch (java.net.SocketTimeoutException quiet) {
      // no refusal: the broker accepted us
    } finally {
      if (!d.isClosed()) {
        d.setSoTimeout(soTimeout);
      }
    }
  }

  @Override
  public void close() throws IOException {
    gate.close();
    d.close();
  }

  // ---- plain delegation below ----

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    d.connect(endpoint);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    d.connect(endpoint, timeout);
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    d.bind(bindpoint);
  }

  @Override
  public InetAddress getInetAddress() {
    return d.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return d.getLocalAddress();
  }

  @Override
  public int getPort() {
    return d.getPort();
  }

  @Override
  public int getLocalPort() {
    return d.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return d.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return d.getLocalSocketAddress();
  }

  @Override
  public SocketChannel getChannel() {
    return d.getChannel();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    d.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return d.getTcpNoDelay();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    d.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return d.getSoLinger();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    d.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return d.getSoTimeout();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    d.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return d.getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    d.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return d.getReceiveBufferSize();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    d.setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return d.getKeepAlive();
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    d.setTrafficClass(tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return d.getTrafficClass();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    d.setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return d.getReuseAddress();
  }

  @Override
  public void shutdownInput() throws IOException {
    d.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    d.shutdownOutput();
  }

  @Override
  public boolean isConnected() {
    return d.isConnected();
  }

  @Override
  public boolean isBound() {
    return d.isBound();
  }

  @Override
  public boolean isClosed() {
    return d.isClosed();
  }

  @Override
  public boolean isInputShutdown() {
    return d.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return d.isOutputShutdown();
  }

  @Override
  public String toString() {
    return d.toString();
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return d.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return d.getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    d.setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return d.getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return d.getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    d.setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return d.getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return d.getHandshakeSession();
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    d.addHandshakeCompletedListener(listener);
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    d.removeHandshakeCompletedListener(listener);
  }

  @Override
  public void setUseClientMode(boolean mode) {
    d.setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return d.getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    d.setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return d.getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    d.setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return d.getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    d.setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return d.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return d.getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    d.setSSLParameters(params);
  }

  @Override
  public String getApplicationProtocol() {
    return d.getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return d.getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(
      BiFunction<SSLSocket, List<String>, String> selector) {
    d.setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return d.getHandshakeApplicationProtocolSelector();
  }
}
