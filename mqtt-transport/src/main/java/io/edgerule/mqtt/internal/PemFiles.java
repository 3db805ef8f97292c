package io.edgerule.mqtt.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Certificates and private keys from PEM files, read by BouncyCastle's PEM parser. Every error
 * names the file and what is wrong with it.
 */
public final class PemFiles {
  /** Decrypts encrypted keys (PBES2 and OpenSSL's legacy forms); not registered JVM-wide. */
  private static final Provider BC = new BouncyCastleProvider();

  private PemFiles() {}

  /** Every certificate in {@code file}, in order; at least one. */
  public static List<X509Certificate> certificates(Path file, String what) throws IOException {
    List<X509Certificate> certs = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(open(file, what))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          certs.add(converter.getCertificate(holder));
        }
      }
    } catch (CertificateException | RuntimeException e) {
      throw new IOException(what + " " + file + ": not a valid PEM certificate file: " + e, e);
    }
    if (certs.isEmpty()) {
      throw new IOException(
          what + " " + file + ": no certificate in it (expected -----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  /**
   * The first private key in {@code file}: PKCS#8 (plain or encrypted), PKCS#1 RSA or SEC1 EC
   * (plain or with OpenSSL's legacy encryption). Other blocks (EC PARAMETERS) are skipped.
   */
  public static PrivateKey privateKey(Path file, char[] password, String what) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(open(file, what))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        PrivateKeyInfo info = null;
        if (o instanceof PrivateKeyInfo pki) {
          info = pki; // PKCS#8
        } else if (o instanceof PEMKeyPair pair) {
          info = pair.getPrivateKeyInfo(); // PKCS#1 RSA, SEC1 EC
        } else if (o instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
          info =
              encrypted.decryptPrivateKeyInfo(
                  new JceOpenSSLPKCS8DecryptorProviderBuilder()
                      .setProvider(BC)
                      .build(requirePassword(password, file, what)));
        } else if (o instanceof PEMEncryptedKeyPair encrypted) {
          info =
              encrypted
                  .decryptKeyPair(
                      new JcePEMDecryptorProviderBuilder()
                          .setProvider(BC)
                          .build(requirePassword(password, file, what)))
                  .getPrivateKeyInfo();
        }
        if (info != null) {
          return converter.getPrivateKey(info);
        }
      }
    } catch (PKCSException | OperatorCreationException e) {
      throw new IOException(
          what + " " + file + ": cannot decrypt the key (wrong key password?): " + e.getMessage(),
          e);
    } catch (org.bouncycastle.openssl.EncryptionException e) {
      throw new IOException(
          what + " " + file + ": cannot decrypt the key (wrong key password?): " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      throw new IOException(what + " " + file + ": not a valid PEM private key: " + e, e);
    }
    throw new IOException(
        what
            + " "
            + file
            + ": no private key in it (expected BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY,"
            + " BEGIN EC PRIVATE KEY or BEGIN ENCRYPTED PRIVATE KEY)");
  }

  private static char[] requirePassword(char[] password, Path file, String what)
      throws IOException {
    if (password == null) {
      throw new IOException(
          what + " " + file + ": the key is encrypted but no key password is configured");
    }
    return password;
  }

  private static Reader open(Path file, String what) throws IOException {
    try {
      return Files.newBufferedReader(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IOException(what + " " + file + ": no such file", e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IOException(what + " " + file + ": not readable (permission denied)", e);
    }
  }
}
