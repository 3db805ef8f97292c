package io.edgerule.adapter.opcua.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.security.TrustListManager;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;

/**
 * Milo's view of the PKI folder's trust list. Unlike Milo's FileBasedTrustListManager it starts no
 * file-watcher thread: it reads the folders when Milo asks (once per handshake).
 */
public final class PkiTrustList implements TrustListManager {
  private final PkiFolder trusted;
  private final PkiFolder trustedCrl;
  private final PkiFolder issuers;
  private final PkiFolder issuersCrl;

  public PkiTrustList(
      PkiFolder trusted, PkiFolder trustedCrl, PkiFolder issuers, PkiFolder issuersCrl) {
    this.trusted = trusted;
    this.trustedCrl = trustedCrl;
    this.issuers = issuers;
    this.issuersCrl = issuersCrl;
  }

  @Override
  public List<X509CRL> getIssuerCrls() {
    return issuersCrl.crls();
  }

  @Override
  public List<X509CRL> getTrustedCrls() {
    return trustedCrl.crls();
  }

  @Override
  public List<X509Certificate> getIssuerCertificates() {
    return issuers.certificates();
  }

  @Override
  public List<X509Certificate> getTrustedCertificates() {
    return trusted.certificates();
  }

  @Override
  public void setIssuerCrls(List<X509CRL> crls) {
    replaceCrls(issuersCrl, crls);
  }

  @Override
  public void setTrustedCrls(List<X509CRL> crls) {
    replaceCrls(trustedCrl, crls);
  }

  @Override
  public void setIssuerCertificates(List<X509Certificate> certificates) {
    replace(issuers, certificates);
  }

  @Override
  public void setTrustedCertificates(List<X509Certificate> certificates) {
    replace(trusted, certificates);
  }

  @Override
  public void addIssuerCertificate(X509Certificate certificate) {
    add(issuers, certificate);
  }

  @Override
  public void addTrustedCertificate(X509Certificate certificate) {
    add(trusted, certificate);
  }

  @Override
  public boolean removeIssuerCertificate(ByteString thumbprint) {
    return remove(issuers, thumbprint);
  }

  @Override
  public boolean removeTrustedCertificate(ByteString thumbprint) {
    return remove(trusted, thumbprint);
  }

  @Override
  public DateTime getLastUpdateTime() {
    long newest = 0;
    for (PkiFolder f : List.of(trusted, trustedCrl, issuers, issuersCrl)) {
      try {
        if (Files.isDirectory(f.path())) {
          newest = Math.max(newest, Files.getLastModifiedTime(f.path()).toMillis());
        }
      } catch (IOException e) {
        // a folder that cannot be read has no update time
      }
    }
    return new DateTime(java.time.Instant.ofEpochMilli(newest));
  }

  private static void add(PkiFolder folder, X509Certificate certificate) {
    try {
      folder.add(certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean remove(PkiFolder folder, ByteString thumbprint) {
    try {
      return folder.remove(HexFormat.of().formatHex(thumbprint.bytesOrEmpty()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void replace(PkiFolder folder, List<X509Certificate> certificates) {
    try {
      for (PkiFolder.Entry e : folder.entries()) {
        Files.deleteIfExists(e.file());
      }
      for (X509Certificate c : certificates) {
        folder.add(c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void replaceCrls(PkiFolder folder, List<X509CRL> crls) {
    try {
      folder.create();
      try (var files = Files.list(folder.path())) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      int i = 0;
      for (X509CRL crl : crls) {
        Files.write(folder.path().resolve("crl-" + (i++) + ".crl"), crl.getEncoded());
      }
    } catch (IOException | java.security.cert.CRLException e) {
      throw new IllegalStateException("cannot write CRLs to " + folder.path(), e);
    }
  }
}
