package io.edgerule.sim.opcua;

import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.TrustListManager;

/**
 * How the simulator checks client certificates: like a real server (untrusted ones are refused with
 * Bad_SecurityChecksFailed and kept in the rejected list), or, with trust-all, by trusting every
 * client on first contact (handy for demos, never for a plant).
 */
final class ClientCertificateValidator implements CertificateValidator {
  private final CertificateValidator strict;
  private final TrustListManager trustList;
  private final boolean trustAll;

  ClientCertificateValidator(
      CertificateValidator strict, TrustListManager trustList, boolean trustAll) {
    this.strict = strict;
    this.trustList = trustList;
    this.trustAll = trustAll;
  }

  @Override
  public void validateCertificateChain(
      List<X509Certificate> chain, String applicationUri, String[] validHostnames)
      throws UaException {
    if (trustAll
        && !chain.isEmpty()
        && !trustList.getTrustedCertificates().contains(chain.get(0))) {
      trustList.addTrustedCertificate(chain.get(0));
    }
    strict.validateCertificateChain(chain, applicationUri, validHostnames);
  }
}
