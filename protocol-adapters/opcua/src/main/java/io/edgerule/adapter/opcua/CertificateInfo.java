package io.edgerule.adapter.opcua;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A certificate as the gateway's PKI folder holds it, described for people.
 *
 * @param subject the distinguished name, e.g. {@code CN=PLC 1, O=Plant}
 * @param thumbprint the OPC-UA thumbprint: SHA-1 of the DER encoding, lowercase hex
 * @param applicationUri the application URI in the certificate's subjectAltName ("" if none)
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param file where the certificate is stored
 */
public record CertificateInfo(
    String subject,
    String thumbprint,
    String applicationUri,
    Instant notBefore,
    Instant notAfter,
    Path file) {

  /** {@code CN=PLC 1, thumbprint 3f2a...}: how error messages name a certificate. */
  public String describe() {
    return subject + ", thumbprint " + thumbprint;
  }
}
