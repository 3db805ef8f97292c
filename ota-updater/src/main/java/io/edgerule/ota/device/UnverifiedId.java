package io.edgerule.ota.device;

import io.edgerule.ota.image.ImageArchive;
import io.edgerule.ota.image.ImageLimits;
import io.edgerule.ota.image.ImageManifest;
import io.edgerule.ota.image.ImageManifestJson;
import io.edgerule.ota.image.ImageRejected;
import java.util.Optional;

/**
 * The name, version and security version a refused image's manifest claims, read without checking
 * any signature: only so that the {@code REJECTED} status can say which image was refused (the
 * fleet counts statuses by image), always with {@link #MARK} in its detail. Never trusted for
 * anything else.
 */
final class UnverifiedId {
  /** Appended to the detail of a status whose image id comes from here. */
  static final String MARK = "(image id from its unverified manifest)";

  private UnverifiedId() {}

  /**
   * The id the manifest of {@code file} claims; empty if the container or manifest is unreadable.
   */
  static Optional<ImageId> read(byte[] file, String name) {
    try {
      ImageArchive.Contents c = ImageArchive.read(file, name, ImageLimits.defaults());
      byte[] manifest = c.entries().get(ImageArchive.MANIFEST);
      if (manifest == null) {
        return Optional.empty();
      }
      ImageManifest m = ImageManifestJson.read(manifest, c.where(ImageArchive.MANIFEST));
      return Optional.of(new ImageId(m.name(), m.version(), m.securityVersion()));
    } catch (ImageRejected | RuntimeException e) {
      return Optional.empty();
    }
  }
}
