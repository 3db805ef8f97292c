package io.edgerule.adapter.opcua.internal;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.TrustListManager;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a server's certificate against the gateway's PKI folder and says what went wrong in plain
 * words. An untrusted certificate is copied to {@code rejected/} and reported as "server
 * certificate not trusted: CN=..., thumbprint ...; run `edgerule opcua trust ...`" instead of
 * Java's "trustAnchors parameter must be non-empty" (what Milo reports when the trust list is
 * empty) or a bare Bad_SecurityChecksFailed.
 */
public final class ServerCertificateValidator implements CertificateValidator {
  private static final Logger log = LoggerFactory.getLogger(ServerCertificateValidator.class);

  private final PkiFolder trusted;
  private final PkiFolder issuers;
  private final PkiFolder rejected;
  private final CertificateValidator milo;
  private final AtomicReference<String> lastProblem = new AtomicReference<>();

  public ServerCertificateValidator(
      PkiFolder trusted, PkiFolder issuers, PkiFolder rejected, TrustListManager trustList) {
    this.trusted = trusted;
    this.issuers = issuers;
    this.rejected = rejected;
    // Expired or not-yet-valid server certificates are refused (Milo only warns by default);
    // host name checks stay off: the gateway often reaches a PLC by an address not in its SAN.
    this.milo =
        new DefaultClientCertificateValidator(
            trustList,
            Set.of(ValidationCheck.APPLICATION_URI, ValidationCheck.VALIDITY),
            new Quarantine());
  }

  @Override
  public void validateCertificateChain(
      List<X509Certificate> chain,
      @Nullable String applicationUri,
      @Nullable String[] validHostnames)
      throws UaException {
    if (chain.isEmpty()) {
      throw fail(StatusCodes.Bad_CertificateInvalid, "the server sent no certificate");
    }
    X509Certificate leaf = chain.get(0);
    if (!isAnchored(chain)) {
      quarantine(leaf);
      throw fail(
          StatusCodes.Bad_CertificateUntrusted,
          "server certificate not trusted: "
              + Certificates.describe(leaf, null).describe()
              + "; check the thumbprint with the server's administrator, then run `edgerule"
              + " opcua trust "
              + Certificates.thumbprint(leaf)
              + "` (it was saved to "
              + rejected.path()
              + ")");
    }
    try {
      milo.validateCertificateChain(chain, applicationUri, validHostnames);
      lastProblem.set(null);
    } catch (UaException e) {
      String status = StatusCodes.lookup(e.getStatusCode().value()).map(s -> s[0]).orElse("");
      throw fail(
          e.getStatusCode().value(),
          "server certificate "
              + Certificates.describe(leaf, null).describe()
              + " is trusted but failed validation: "
              + Errors.describeStatus(e.getStatusCode().value())
              + (status.equals("Bad_CertificateTimeInvalid")
                  ? " (expired or not yet valid; check the clocks of both machines)"
                  : ""));
    }
  }

  /**
   * The plain-words reason of the last rejection, or null when the last check passed. The
   * connection code uses it because Milo may wrap the exception thrown here.
   */
  public String lastProblem() {
    return lastProblem.get();
  }

  public void clearLastProblem() {
    lastProblem.set(null);
  }

  /** Whether the leaf itself or one of its issuers is in trusted/ (issuers/ only help build). */
  private boolean isAnchored(List<X509Certificate> chain) {
    List<X509Certificate> trustedCerts = trusted.certificates();
    if (trustedCerts.isEmpty()) {
      return false;
    }
    for (X509Certificate c : chain) {
      String t = Certificates.thumbprint(c);
      for (X509Certificate tc : trustedCerts) {
        if (Certificates.thumbprint(tc).equals(t)) {
          return true;
        }
      }
    }
    // A trusted CA that issued the leaf or one of the chain's (or issuers/) intermediates.
    List<X509Certificate> candidates = new java.util.ArrayList<>(chain);
    candidates.addAll(issuers.certificates());
    for (X509Certificate c : candidates) {
      for (X509Certificate tc : trustedCerts) {
        if (c.getIssuerX500Principal().equals(tc.getSubjectX500Principal())) {
          try {
            c.verify(tc.getPublicKey());
            return true;
          } catch (Exception e) {
            // not signed by this one
          }
        }
      }
    }
    return false;
  }

  private UaException fail(long status, String message) {
    lastProblem.set(message);
    return new UaException(status, message);
  }

  private void quarantine(X509Certificate certificate) {
    try {
      if (!trusted.contains(certificate)) {
        rejected.add(certificate);
      }
    } catch (IOException e) {
      log.warn("cannot save the rejected certificate to {}: {}", rejected.path(), e.toString());
    }
  }

  private final class Quarantine implements CertificateQuarantine {
    @Override
    public List<X509Certificate> getRejectedCertificates() {
      return rejected.certificates();
    }

    @Override
    public void addRejectedCertificate(X509Certificate certificate) {
      quarantine(certificate);
    }

    @Override
    public void removeRejectedCertificate(X509Certificate certificate) {
      try {
        rejected.remove(Certificates.thumbprint(certificate));
      } catch (IOException e) {
        log.warn("cannot remove from {}: {}", rejected.path(), e.toString());
      }
    }
  }
}
