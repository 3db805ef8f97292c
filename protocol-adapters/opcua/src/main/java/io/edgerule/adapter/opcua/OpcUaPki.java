package io.edgerule.adapter.opcua;

import io.edgerule.adapter.opcua.internal.ApplicationCertificate;
import io.edgerule.adapter.opcua.internal.Certificates;
import io.edgerule.adapter.opcua.internal.PkiFolder;
import io.edgerule.adapter.opcua.internal.PkiTrustList;
import io.edgerule.adapter.opcua.internal.ServerCertificateValidator;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gateway's OPC-UA PKI folder, in the layout OPC-UA tools use:
 *
 * <pre>
 * &lt;state&gt;/opcua/pki/
 *   own/certs/edgerule-gateway.der     the gateway's application instance certificate
 *   own/private/edgerule-gateway.pem   its private key (owner-only)
 *   trusted/certs/  trusted/crl/       servers (or their CAs) the gateway trusts
 *   issuers/certs/  issuers/crl/       CAs used to build chains, not trusted by themselves
 *   rejected/certs/                    server certificates the gateway refused
 * </pre>
 *
 * <p>Used by the adapter, and by the CLI ({@code edgerule opcua trust|certs}) while a gateway is
 * running: the adapter re-reads the folders at every handshake, so a trust decision counts from the
 * next connection attempt, without a restart.
 *
 * <pre>{@code
 * OpcUaPki pki = OpcUaPki.open(Path.of("/var/lib/edgerule"));
 * for (CertificateInfo c : pki.rejected()) System.out.println(c.describe());
 * pki.trust("3f2a9c01");   // a thumbprint (or a unique prefix of 8+ digits), or a file path
 * }</pre>
 */
public final class OpcUaPki {
  private static final Object CREATE_LOCK = new Object();

  private final Path root;
  private final PkiFolder trusted;
  private final PkiFolder trustedCrl;
  private final PkiFolder issuers;
  private final PkiFolder issuersCrl;
  private final PkiFolder rejected;
  private volatile ApplicationCertificate own;

  private OpcUaPki(Path root) {
    this.root = root;
    this.trusted = new PkiFolder(root.resolve("trusted").resolve("certs"));
    this.trustedCrl = new PkiFolder(root.resolve("trusted").resolve("crl"));
    this.issuers = new PkiFolder(root.resolve("issuers").resolve("certs"));
    this.issuersCrl = new PkiFolder(root.resolve("issuers").resolve("crl"));
    this.rejected = new PkiFolder(root.resolve("rejected").resolve("certs"));
  }

  /**
   * Opens (and creates the folders of) the PKI under the gateway's state directory: {@code
   * stateDirectory/opcua/pki}.
   */
  public static OpcUaPki open(Path stateDirectory) throws IOException {
    OpcUaPki pki = new OpcUaPki(stateDirectory.resolve("opcua").resolve("pki"));
    for (PkiFolder f :
        List.of(pki.trusted, pki.trustedCrl, pki.issuers, pki.issuersCrl, pki.rejected)) {
      f.create();
    }
    Files.createDirectories(pki.root.resolve("own"));
    return pki;
  }

  /** The {@code pki} folder. */
  public Path root() {
    return root;
  }

  public Path trustedFolder() {
    return trusted.path();
  }

  public Path rejectedFolder() {
    return rejected.path();
  }

  public Path issuersFolder() {
    return issuers.path();
  }

  /** The gateway's own certificate, created on first call if the folder has none. */
  public CertificateInfo ownCertificate() throws IOException {
    return applicationCertificate().info();
  }

  /** The certificate and key the adapter presents to servers. Not part of the public API. */
  public ApplicationCertificate applicationCertificate() throws IOException {
    ApplicationCertificate a = own;
    if (a == null) {
      synchronized (CREATE_LOCK) {
        a = own;
        if (a == null) {
          a = ApplicationCertificate.loadOrCreate(root.resolve("own"));
          own = a;
        }
      }
    }
    return a;
  }

  public List<CertificateInfo> trusted() {
    return describe(trusted);
  }

  public List<CertificateInfo> rejected() {
    return describe(rejected);
  }

  public List<CertificateInfo> issuers() {
    return describe(issuers);
  }

  /**
   * Trusts a server certificate: moves a rejected certificate to {@code trusted/} by its thumbprint
   * (or a unique prefix of at least 8 hex digits; ':' and spaces are ignored), or copies the
   * certificate file at {@code thumbprintOrFile} into {@code trusted/}.
   *
   * @return the certificate now trusted
   * @throws IllegalArgumentException when nothing matches, a prefix matches several, or the file
   *     does not exist
   */
  public CertificateInfo trust(String thumbprintOrFile) throws IOException {
    String arg = thumbprintOrFile.trim();
    Path file = Path.of(arg);
    if (!looksLikeThumbprint(arg) && Files.isRegularFile(file)) {
      X509Certificate cert = Certificates.read(file).get(0);
      return trustCertificate(cert);
    }
    if (!looksLikeThumbprint(arg) && Files.isDirectory(file)) {
      throw new IllegalArgumentException(arg + " is a directory, not a certificate file");
    }
    String wanted = normalize(arg);
    if (!looksLikeThumbprint(arg) && looksLikePath(arg)) {
      throw new IllegalArgumentException("certificate file " + arg + " does not exist");
    }
    if (wanted.length() < 8 || !wanted.matches("[0-9a-f]+")) {
      throw new IllegalArgumentException(
          "'"
              + arg
              + "' is neither a certificate file nor a thumbprint (at least 8 hex digits); see"
              + " `edgerule opcua certs`");
    }
    List<PkiFolder.Entry> matches = new ArrayList<>();
    for (PkiFolder.Entry e : rejected.entries()) {
      if (Certificates.thumbprint(e.certificate()).startsWith(wanted)) {
        matches.add(e);
      }
    }
    if (matches.isEmpty()) {
      for (PkiFolder.Entry e : trusted.entries()) {
        if (Certificates.thumbprint(e.certificate()).startsWith(wanted)) {
          return Certificates.describe(e.certificate(), e.file());
        }
      }
      throw new IllegalArgumentException(
          "no rejected certificate has thumbprint " + wanted + "; see `edgerule opcua certs`");
    }
    long distinct =
        matches.stream().map(e -> Certificates.thumbprint(e.certificate())).distinct().count();
    if (distinct > 1) {
      throw new IllegalArgumentException(
          "thumbprint prefix "
              + wanted
              + " matches "
              + distinct
              + " certificates; give more digits");
    }
    return trustCertificate(matches.get(0).certificate());
  }

  /** Adds a certificate to {@code trusted/} and removes it from {@code rejected/}. */
  public CertificateInfo trustCertificate(X509Certificate certificate) throws IOException {
    Path stored = trusted.add(certificate);
    rejected.remove(Certificates.thumbprint(certificate));
    return Certificates.describe(certificate, stored);
  }

  /** Removes a certificate from {@code trusted/} by its full thumbprint; true if it was there. */
  public boolean untrust(String thumbprint) throws IOException {
    return trusted.remove(normalize(thumbprint));
  }

  /**
   * The validator the adapter installs in Milo: checks server certificates against this folder. Not
   * part of the public API.
   */
  public ServerCertificateValidator serverCertificateValidator() {
    return new ServerCertificateValidator(
        trusted, issuers, rejected, new PkiTrustList(trusted, trustedCrl, issuers, issuersCrl));
  }

  private static List<CertificateInfo> describe(PkiFolder folder) {
    return folder.entries().stream()
        .map(e -> Certificates.describe(e.certificate(), e.file()))
        .toList();
  }

  private static boolean looksLikeThumbprint(String s) {
    return normalize(s).matches("[0-9a-f]{8,40}");
  }

  /** A path separator or a file extension: the operator meant a file, not a thumbprint. */
  private static boolean looksLikePath(String s) {
    return s.contains("/") || s.contains(File.separator) || s.matches(".*\\.[A-Za-z]+");
  }

  private static String normalize(String s) {
    return s.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
  }
}
