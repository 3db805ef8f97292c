package io.edgerule.adapter.opcua.internal;

import io.edgerule.adapter.opcua.CertificateInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;

/** Reading, writing and describing X.509 certificates and keys (DER and PEM). */
public final class Certificates {
  private Certificates() {}

  /** The OPC-UA thumbprint: SHA-1 over the DER encoding, lowercase hex. */
  public static String thumbprint(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot compute a SHA-1 thumbprint", e);
    }
  }

  public static CertificateInfo describe(X509Certificate certificate, Path file) {
    return new CertificateInfo(
        subject(certificate),
        thumbprint(certificate),
        applicationUri(certificate),
        certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant(),
        file);
  }

  /** The URI in the subjectAltName, or "" when the certificate has none. */
  public static String applicationUri(X509Certificate certificate) {
    try {
      return CertificateUtil.getSanUri(certificate).orElse("");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /**
   * The subject as people read it: the CN first, then the other attributes, {@code CN=PLC 1,
   * O=Plant} (Java's RFC 2253 form lists them in reverse).
   */
  public static String subject(X509Certificate certificate) {
    List<String> parts = rdns(certificate.getSubjectX500Principal().getName());
    List<String> ordered = new ArrayList<>();
    for (String p : parts) {
      if (p.regionMatches(true, 0, "CN=", 0, 3)) {
        ordered.add(0, p);
      }
    }
    for (String p : parts) {
      if (!p.regionMatches(true, 0, "CN=", 0, 3)) {
        ordered.add(p);
      }
    }
    return String.join(", ", ordered);
  }

  /** Splits an RFC 2253 name at the commas that separate attributes (not escaped ones). */
  private static List<String> rdns(String dn) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < dn.length(); i++) {
      char c = dn.charAt(i);
      if (c == '\\' && i + 1 < dn.length()) {
        cur.append(c).append(dn.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        cur.append(c);
      } else if (c == ',' && !quoted) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      out.add(cur.toString().trim());
    }
    return out;
  }

  /** The CN of the subject, or the whole subject when it has no CN. */
  public static String commonName(X509Certificate certificate) {
    String dn = certificate.getSubjectX500Principal().getName();
    for (String p : rdns(dn)) {
      if (p.regionMatches(true, 0, "CN=", 0, 3)) {
        return p.substring(3).replace("\\", "");
      }
    }
    return dn;
  }

  /** Reads one or more certificates from a DER or PEM file. */
  public static List<X509Certificate> read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    try {
      return parse(bytes);
    } catch (CertificateException e) {
      throw new IOException(file + " is not an X.509 certificate (DER or PEM)", e);
    }
  }

  public static List<X509Certificate> parse(byte[] bytes) throws CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    Collection<? extends java.security.cert.Certificate> certs =
        factory.generateCertificates(new ByteArrayInputStream(bytes));
    List<X509Certificate> out = new ArrayList<>();
    for (java.security.cert.Certificate c : certs) {
      out.add((X509Certificate) c);
    }
    if (out.isEmpty()) {
      throw new CertificateException("no certificate found");
    }
    return out;
  }

  /** Writes a certificate in DER form. */
  public static void writeDer(X509Certificate certificate, Path file) throws IOException {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, certificate.getEncoded());
      Files.move(
          tmp,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("cannot encode certificate", e);
    }
  }

  /**
   * Writes a private key as unencrypted PKCS#8 PEM, readable only by its owner.
   *
   * @throws java.nio.file.FileSystemException when the file system cannot keep the file to its
   *     owner (no POSIX permissions): nothing is written
   */
  public static void writePrivateKey(PrivateKey key, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    try {
      FilePermissions.ownerOnly(tmp);
    } catch (FileSystemException e) {
      Files.deleteIfExists(tmp); // still empty: nothing secret was written
      throw new FileSystemException(file.toString(), null, e.getReason());
    }
    Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a PEM private key: PKCS#8 ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"). */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IOException(
          file
              + " holds no unencrypted private key (expected PEM 'BEGIN PRIVATE KEY' or"
              + " 'BEGIN RSA PRIVATE KEY')");
    }
  }
}
