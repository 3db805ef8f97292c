package io.edgerule.adapter;

/**
 * The typed configuration of one device. Each protocol defines a record implementing this; the
 * daemon binds the YAML {@code devices:} entries to it by the entry's {@code protocol:} field,
 * using the record's components in snake_case. Records validate themselves in their constructors
 * and fill in defaults, throwing {@link IllegalArgumentException} with a message that names the bad
 * field.
 */
public interface DeviceConfig {
  /** The device name: the first segment of every point id of this device. */
  String name();
}
