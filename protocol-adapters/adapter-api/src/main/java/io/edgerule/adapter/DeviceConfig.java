package io.edgerule.adapter;

/**
 * The typed configuration of one device. Each protocol defines a record implementing this; the
 * daemon binds the YAML {@code devices:} entries to it by the entry's {@code protocol:} field,
 * using the record's components in snake_case. Records validate themselves in their constructors
 * and fill in defaults, throwing {@link IllegalArgumentException} with a message that starts with
 * the bad field's snake_case name or path and ": " ({@code "unit_id: must be 1..247, got 0"},
 * {@code "points[2].name: ..."}): the daemon's config loader reads that prefix to point at the
 * field's own line and column. Durations in messages are written with {@link DurationText#format}.
 */
public interface DeviceConfig {
  /** The device name: the first segment of every point id of this device. */
  String name();

  /**
   * This config with its relative file paths (certificates, keys, password files) resolved against
   * {@code dir}, the folder of the config file, so a config means the same whatever the working
   * directory. Configs without file paths return themselves.
   */
  default DeviceConfig resolvePaths(java.nio.file.Path dir) {
    return this;
  }

  /**
   * What is wrong with the files this device reads when it runs (certificates, keys, password
   * files), one problem per entry, each starting with the setting's path in the device, e.g. {@code
   * "identity.certificate: file /etc/edgerule/user.der does not exist"}. For {@code edgerule
   * check}, which reports each at the setting's line; an adapter reads its files again at every
   * connection attempt and reports problems there. Empty when there are none (the default).
   */
  default java.util.List<String> fileProblems() {
    return java.util.List.of();
  }
}
