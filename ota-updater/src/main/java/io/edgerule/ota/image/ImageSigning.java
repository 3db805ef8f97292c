package io.edgerule.ota.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.edgerule.ota.image.ImageRejected.Reason;
import io.edgerule.ota.trust.Pae;
import io.edgerule.ota.trust.SignatureEntry;
import io.edgerule.ota.trust.Signatures;
import io.edgerule.ota.trust.Signer;
import io.edgerule.ota.trust.internal.Doc;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a signature to an image: signs the exact bytes of its {@code image.json} (through {@link
 * Pae}) and rewrites only {@code signatures.json}. Several keys sign one after another to meet a
 * threshold; a key that signs again replaces its earlier signature.
 */
public final class ImageSigning {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ImageSigning() {}

  /**
   * @throws ImageRejected when the file is not a readable image
   * @throws GeneralSecurityException when the key (or its token) refuses to sign
   */
  public static byte[] sign(byte[] file, String name, Signer signer, ImageLimits limits)
      throws ImageRejected, GeneralSecurityException {
    ImageArchive.Contents c = ImageArchive.read(file, name, limits);
    byte[] manifest = c.entries().get(ImageArchive.MANIFEST);
    if (manifest == null) {
      throw new ImageRejected(Reason.MALFORMED, name + ": has no " + ImageArchive.MANIFEST);
    }
    try {
      ImageManifestJson.parse(
          manifest, c.where(ImageArchive.MANIFEST)); // never sign what no gateway can read
    } catch (Doc.Invalid e) {
      throw new ImageRejected(Reason.MALFORMED, e.getMessage());
    }
    List<SignatureEntry> sigs = new ArrayList<>(existing(c));
    SignatureEntry mine =
        new SignatureEntry(
            signer.publicKey().id(), signer.sign(Pae.encode(Pae.IMAGE_TYPE, manifest)));
    sigs.removeIf(s -> s.keyId().equals(mine.keyId()));
    sigs.add(mine);
    Map<String, byte[]> entries = new LinkedHashMap<>(c.entries());
    entries.put(ImageArchive.SIGNATURES, signaturesJson(sigs));
    return ImageArchive.write(entries);
  }

  /** The signatures an image carries now (none if it has no signatures.json). */
  public static List<SignatureEntry> existing(ImageArchive.Contents c) throws ImageRejected {
    byte[] sigs = c.entries().get(ImageArchive.SIGNATURES);
    if (sigs == null) {
      return List.of();
    }
    try {
      return Signatures.parseDocument(sigs, c.where(ImageArchive.SIGNATURES));
    } catch (io.edgerule.ota.trust.TrustException e) {
      throw new ImageRejected(Reason.MALFORMED, e.getMessage());
    }
  }

  static byte[] signaturesJson(List<SignatureEntry> sigs) {
    return Signatures.document(sigs);
  }
}
