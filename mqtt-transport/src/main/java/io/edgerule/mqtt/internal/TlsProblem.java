package io.edgerule.mqtt.internal;

import java.security.cert.CertificateException;

/**
 * A server certificate we refuse, with one line that says why. Thrown from the trust manager, it
 * travels inside the handshake exception to where the connect failure is reported.
 */
public final class TlsProblem extends CertificateException {
  private static final long serialVersionUID = 1L;

  public TlsProblem(String message, Throwable cause) {
    super(message, cause);
  }
}
