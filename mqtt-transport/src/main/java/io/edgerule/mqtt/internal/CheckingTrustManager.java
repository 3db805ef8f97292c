package io.edgerule.mqtt.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the broker's certificate in three separate steps so that each failure says which it is:
 * validity dates ("certificate expired on ..."), the chain to our CAs ("not trusted by ca.pem"),
 * then the host name. The JDK's trust manager does the chain and the host name work; on its own it
 * reports all three as one "PKIX path ..." or "No subject alternative names ..." line.
 */
final class CheckingTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager jdk;
  private final String trustSource;
  private final String host;
  private final boolean verifyHostname;

  /**
   * @param trustSource what the CAs come from, for the message ("ca.pem", "the JVM's default CAs")
   * @param host the host of the server URI, for the message
   */
  CheckingTrustManager(
      X509ExtendedTrustManager jdk, String trustSource, String host, boolean verifyHostname) {
    this.jdk = jdk;
    this.trustSource = trustSource;
    this.host = host;
    this.verifyHostname = verifyHostname;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkDatesAndChain(chain, authType);
    if (verifyHostname) {
      try {
        // With the socket the JDK checks the identity named by the socket's SSL parameters
        // (Paho sets endpoint identification "HTTPS" and the server name).
        jdk.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        throw hostMismatch(chain[0], e);
      }
    }
    HandshakeWitness.serverTrusted();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkDatesAndChain(chain, authType);
    if (verifyHostname) {
      try {
        jdk.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw hostMismatch(chain[0], e);
      }
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    checkDatesAndChain(chain, authType);
  }

  private void checkDatesAndChain(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new TlsProblem("the broker sent no certificate", null);
    }
    Date now = new Date();
    for (X509Certificate cert : chain) {
      String whose =
          cert == chain[0] ? "server certificate " : "certificate authority in the server's chain ";
      try {
        cert.checkValidity(now);
      } catch (CertificateExpiredException e) {
        throw new TlsProblem(
            whose
                + cert.getSubjectX500Principal().getName()
                + " expired on "
                + cert.getNotAfter().toInstant(),
            e);
      } catch (CertificateNotYetValidException e) {
        throw new TlsProblem(
            whose
                + cert.getSubjectX500Principal().getName()
                + " is not valid before "
                + cert.getNotBefore().toInstant()
                + " (is the clock right?)",
            e);
      }
    }
    try {
      jdk.checkServerTrusted(chain, authType); // no socket: the chain only, no host name
    } catch (CertificateException e) {
      throw new TlsProblem(
          "server certificate not trusted by "
              + trustSource
              + " (subject "
              + chain[0].getSubjectX500Principal().getName()
              + ", issuer "
              + chain[0].getIssuerX500Principal().getName()
              + ")",
          e);
    }
  }

  private TlsProblem hostMismatch(X509Certificate cert, CertificateException e) {
    return new TlsProblem(
        "host name "
            + host
            + " does not match certificate "
            + cert.getSubjectX500Principal().getName()
            + " / SAN "
            + subjectAltNames(cert),
        e);
  }

  static List<String> subjectAltNames(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          String prefix = type == 2 ? "DNS:" : type == 7 ? "IP:" : "type" + type + ":";
          names.add(prefix + san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      names.add("(unreadable: " + e.getMessage() + ")");
    }
    return names;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager checks servers only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return jdk.getAcceptedIssuers();
  }
}
