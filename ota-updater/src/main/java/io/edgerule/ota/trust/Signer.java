package io.edgerule.ota.trust;

/**
 * Something that signs with one private key: a software Ed25519 key ({@link SoftwareKeys}) or a key
 * that never leaves an HSM ({@link Pkcs11Keys}).
 */
public interface Signer {
  /** The public half, as a trust root lists it. */
  TrustedKey publicKey();

  /**
   * Signs the bytes (the caller passes the pre-authentication encoding, {@link Pae}).
   *
   * @throws java.security.GeneralSecurityException when the key or the token refuses
   */
  byte[] sign(byte[] message) throws java.security.GeneralSecurityException;
}
