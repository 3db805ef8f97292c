package io.edgerule.ota.image;

import io.edgerule.ota.trust.KeyId;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * An image that passed {@link ImageVerifier#verify}: only the verifier makes one, so holding one is
 * proof that its manifest is signed by a threshold of trusted keys, fresh, compatible, at or above
 * the floor, and that every rule's bytes match the manifest.
 */
public final class VerifiedImage {
  private final ImageManifest manifest;
  private final byte[] manifestBytes;
  private final byte[] file;
  private final List<VerifiedRule> rules;
  private final Set<KeyId> signers;
  private final Instant timeFloor;
  private final String digest;

  VerifiedImage(
      ImageManifest manifest,
      byte[] manifestBytes,
      byte[] file,
      List<VerifiedRule> rules,
      Set<KeyId> signers,
      Instant timeFloor) {
    this.manifest = manifest;
    this.manifestBytes = manifestBytes.clone();
    this.file = file.clone();
    this.rules = List.copyOf(rules);
    this.signers = Set.copyOf(signers);
    this.timeFloor = timeFloor;
    try {
      this.digest =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(this.manifestBytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public ImageManifest manifest() {
    return manifest;
  }

  /** The manifest's exact signed bytes (a copy). */
  public byte[] manifestBytes() {
    return manifestBytes.clone();
  }

  /**
   * The whole {@code .rimg} as verified (a copy): what an image store keeps in a slot, so the image
   * can be verified again later.
   */
  public byte[] file() {
    return file.clone();
  }

  /** The rules, in the manifest's order. */
  public List<VerifiedRule> rules() {
    return rules;
  }

  /** The distinct trusted keys whose signatures verified. */
  public Set<KeyId> signers() {
    return signers;
  }

  /**
   * The latest time this verification proves has passed: the gateway's clock at verification, or
   * the image's creation if that is later (within the allowed skew). The device side stores it as
   * the next {@link VerifyContext#lastVerifiedTime()}.
   */
  public Instant timeFloor() {
    return timeFloor;
  }

  /** The image's identity: the SHA-256 (hex) of its manifest bytes. */
  public String digest() {
    return digest;
  }

  @Override
  public String toString() {
    return manifest.name()
        + " "
        + manifest.version()
        + " (security version "
        + manifest.securityVersion()
        + ")";
  }
}
