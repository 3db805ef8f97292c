package io.edgerule.ota.device;

import java.util.Objects;

/**
 * Which image: its name, version and security version (the anti-rollback counter: a gateway never
 * installs an image whose security version is below the floor it committed).
 */
public record ImageId(String name, String version, long securityVersion) {
  public ImageId {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    if (securityVersion < 0) {
      throw new IllegalArgumentException("security version must be >= 0, got " + securityVersion);
    }
  }

  @Override
  public String toString() {
    return name + " " + version + " (security version " + securityVersion + ")";
  }
}
