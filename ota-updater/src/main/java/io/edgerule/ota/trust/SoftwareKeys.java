package io.edgerule.ota.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys in software, with the JDK's own provider: generated, stored as PEM (private key
 * PKCS#8, readable by its owner only; public key X.509 SubjectPublicKeyInfo), and used to sign.
 */
public final class SoftwareKeys {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
  private static final int MAX_PEM = 64 * 1024;
  private static final Set<PosixFilePermission> OWNER_ONLY =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private SoftwareKeys() {}

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** A signer over an Ed25519 private key, with its public key. */
  public static Signer signer(KeyPair pair, String label) {
    TrustedKey pub = TrustedKey.of(KeyAlgorithm.ED25519, pair.getPublic(), label);
    PrivateKey priv = pair.getPrivate();
    return new Signer() {
      @Override
      public TrustedKey publicKey() {
        return pub;
      }

      @Override
      public byte[] sign(byte[] message) throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(priv);
        s.update(message);
        return s.sign();
      }
    };
  }

  /**
   * Writes the private key (PKCS#8 PEM; refuses to overwrite). The file is created readable and
   * writable by its owner only (mode 0600) and its mode is read back before the key goes in. Where
   * that cannot hold, nothing is written and this throws a {@link FileSystemException} saying why:
   * a file system without POSIX permissions (a zip, a Windows share), or one that ignores the mode
   * it is given (a FAT card mounted with a permissive umask). A key is never left readable by
   * others.
   */
  public static void writePrivate(Path file, PrivateKey key) throws IOException {
    String pem = pem("PRIVATE KEY", key.getEncoded());
    // The file system's views, not Files.getFileStore: that needs the folder's mount point in
    // /proc/self/mounts and throws "Mount point not found" in a chroot (it failed the suite in a
    // clean Debian root). A mount that accepts the mode but ignores it is caught by the read-back.
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      throw notOwnerOnly(file, "its file system has no POSIX permissions");
    }
    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    Set<PosixFilePermission> made = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(made)) {
      Files.delete(file);
      throw notOwnerOnly(
          file,
          "its file system made it " + PosixFilePermissions.toString(made) + ", not rw-------");
    }
    Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static FileSystemException notOwnerOnly(Path file, String why) {
    return new FileSystemException(
        file.toString(),
        null,
        "a private key file must be readable by its owner only, and "
            + why
            + "; nothing written: write keys on a POSIX file system (ext4, xfs, tmpfs, ...)");
  }

  /** Writes a public key (X.509 SubjectPublicKeyInfo PEM; refuses to overwrite). */
  public static void writePublic(Path file, PublicKey key) throws IOException {
    Files.writeString(
        file,
        pem("PUBLIC KEY", key.getEncoded()),
        StandardCharsets.US_ASCII,
        StandardOpenOption.CREATE_NEW);
  }

  /**
   * Reads an Ed25519 private key file and derives its public key.
   *
   * @throws IllegalArgumentException saying what is wrong with the file
   */
  public static KeyPair readPrivate(Path file) throws IOException {
    byte[] der = der(file, "PRIVATE KEY");
    try {
      PrivateKey priv =
          KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
      return new KeyPair(publicOf(priv), priv);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(
          file + ": not an Ed25519 private key (PKCS#8): " + e.getMessage());
    }
  }

  /**
   * Reads a public key file (Ed25519 or EC P-256, X.509 SubjectPublicKeyInfo PEM).
   *
   * @throws IllegalArgumentException saying what is wrong with the file
   */
  public static TrustedKey readPublic(Path file, String label) throws IOException {
    byte[] der = der(file, "PUBLIC KEY");
    for (KeyAlgorithm a : KeyAlgorithm.values()) {
      try {
        return TrustedKey.decode(a, der, label);
      } catch (IllegalArgumentException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(file + ": not an Ed25519 or EC P-256 public key");
  }

  /** The PEM text of a DER structure. */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] der(Path file, String type) throws IOException {
    if (Files.size(file) > MAX_PEM) {
      throw new IllegalArgumentException(file + ": too large for a PEM key file");
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = PEM.matcher(text);
    if (!m.find() || !m.group(1).equals(type)) {
      throw new IllegalArgumentException(file + ": no '-----BEGIN " + type + "-----' block");
    }
    try {
      return Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the PEM block is not base64");
    }
  }

  /**
   * The public key of an Ed25519 private key: the JDK's EdDSA private key carries no public part,
   * so sign-and-derive is not possible; it is recomputed by the provider through a key pair
   * generator seeded with the private bytes.
   */
  private static PublicKey publicOf(PrivateKey priv) throws GeneralSecurityException {
    byte[] seed = ((java.security.interfaces.EdECPrivateKey) priv).getBytes().orElseThrow();
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
    g.initialize(new java.security.spec.NamedParameterSpec("Ed25519"), new FixedRandom(seed));
    return g.generateKeyPair().getPublic();
  }

  /** Hands out the given seed as the "random" bytes of key generation. */
  private static final class FixedRandom extends java.security.SecureRandom {
    private final byte[] seed;

    FixedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }
}
