package io.edgerule.ota.fleet;

import io.edgerule.ota.device.ImageId;
import java.util.Objects;

/**
 * The image a rollout installs: the SHA-256 of its {@code .rimg} file (where its chunks are: {@code
 * <prefix>/images/<sha256>/...}), its size, and the name, version and security version its signed
 * manifest gives (what gateways report in their status).
 */
public record RolloutImage(String sha256, long size, ImageId id) {
  public RolloutImage {
    Ids.sha256("image.sha256", sha256);
    Objects.requireNonNull(id, "id");
    if (size <= 0) {
      throw new IllegalArgumentException("image.size must be > 0, got " + size);
    }
  }

  @Override
  public String toString() {
    return id + " [" + sha256.substring(0, 12) + "]";
  }
}
