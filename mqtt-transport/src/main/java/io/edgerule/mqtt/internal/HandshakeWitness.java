package io.edgerule.mqtt.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * What happened in the handshake running on this thread (a socket's handshake runs on the thread
 * that starts it): whether we trusted the broker and whether it asked for our certificate. When a
 * TLS 1.3 broker refuses our certificate it may close the connection before our Finished message is
 * written, and the JDK then reports only "Broken pipe"; with these two facts the refusal is still
 * recognised.
 */
final class HandshakeWitness {
  private static final ThreadLocal<boolean[]> STATE = ThreadLocal.withInitial(() -> new boolean[2]);

  private HandshakeWitness() {}

  static void begin() {
    boolean[] s = STATE.get();
    s[0] = false;
    s[1] = false;
  }

  static void serverTrusted() {
    STATE.get()[0] = true;
  }

  static void certificateRequested() {
    STATE.get()[1] = true;
  }

  /** The refusal this I/O failure stands for, or null if it is not one. */
  static SSLHandshakeException refusal(java.io.IOException failure) {
    boolean[] s = STATE.get();
    if (s[0] && s[1]) {
      SSLHandshakeException e =
          new ClientCertificateRefused(
              "the broker closed the connection after asking for our client certificate: "
                  + failure.getMessage());
      e.initCause(failure);
      return e;
    }
    return null;
  }

  /** The broker refused (or required) our client certificate during the handshake. */
  static final class ClientCertificateRefused extends SSLHandshakeException {
    private static final long serialVersionUID = 1L;

    ClientCertificateRefused(String message) {
      super(message);
    }
  }

  /** A key manager that notes the broker's request for a client certificate. */
  static X509ExtendedKeyManager noting(X509KeyManager delegate) {
    return new X509ExtendedKeyManager() {
      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        certificateRequested();
        return delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket);
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
        certificateRequested();
        return delegate instanceof X509ExtendedKeyManager x
            ? x.chooseEngineClientAlias(keyType, issuers, e)
            : null;
      }

      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return delegate == null ? null : delegate.getCertificateChain(alias);
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return delegate == null ? null : delegate.getPrivateKey(alias);
      }
    };
  }
}
