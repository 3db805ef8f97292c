package io.edgerule.adapter.opcua.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folder of certificates ({@code trusted/certs}, {@code rejected/certs}, ...). Files are read
 * on every call, so a certificate that the CLI moved in another process counts at the next
 * handshake; folders hold a handful of certificates, so this is cheap. Files that are not
 * certificates are skipped with a warning naming them.
 */
public final class PkiFolder {
  private static final Logger log = LoggerFactory.getLogger(PkiFolder.class);

  /** A certificate and the file it came from. */
  public record Entry(X509Certificate certificate, Path file) {}

  private final Path dir;

  public PkiFolder(Path dir) {
    this.dir = dir;
  }

  public Path path() {
    return dir;
  }

  public void create() throws IOException {
    Files.createDirectories(dir);
  }

  public List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        if (!Files.isRegularFile(f) || n.endsWith(".tmp") || n.startsWith(".")) {
          continue;
        }
        try {
          for (X509Certificate c : Certificates.read(f)) {
            out.add(new Entry(c, f));
          }
        } catch (IOException e) {
          log.warn("skipping {}: {}", f, e.getMessage());
        }
      }
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir, e.toString());
    }
    out.sort((a, b) -> a.file().compareTo(b.file()));
    return out;
  }

  public List<X509Certificate> certificates() {
    return entries().stream().map(Entry::certificate).toList();
  }

  public List<X509CRL> crls() {
    List<X509CRL> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Path f : files) {
        if (!Files.isRegularFile(f)) {
          continue;
        }
        try (var in = Files.newInputStream(f)) {
          for (CRL crl : factory.generateCRLs(in)) {
            if (crl instanceof X509CRL x) {
              out.add(x);
            }
          }
        } catch (Exception e) {
          log.warn("skipping CRL {}: {}", f, e.getMessage());
        }
      }
    } catch (Exception e) {
      log.warn("cannot list {}: {}", dir, e.toString());
    }
    return out;
  }

  public boolean contains(X509Certificate certificate) {
    String t = Certificates.thumbprint(certificate);
    return entries().stream().anyMatch(e -> Certificates.thumbprint(e.certificate()).equals(t));
  }

  /** Stores a certificate as {@code <CN> [<thumbprint>].der} (the usual OPC-UA naming). */
  public Path add(X509Certificate certificate) throws IOException {
    Path file = dir.resolve(fileName(certificate));
    if (!Files.exists(file)) {
      Certificates.writeDer(certificate, file);
    }
    return file;
  }

  /** Removes every file holding the certificate with this thumbprint; true if one was found. */
  public boolean remove(String thumbprint) throws IOException {
    boolean removed = false;
    for (Entry e : entries()) {
      if (Certificates.thumbprint(e.certificate()).equals(thumbprint)) {
        Files.deleteIfExists(e.file());
        removed = true;
      }
    }
    return removed;
  }

  static String fileName(X509Certificate certificate) {
    String cn = Certificates.commonName(certificate).replaceAll("[^A-Za-z0-9 ._()\\-]", "_");
    if (cn.length() > 64) {
      cn = cn.substring(0, 64);
    }
    return cn.strip() + " [" + Certificates.thumbprint(certificate) + "].der";
  }
}
