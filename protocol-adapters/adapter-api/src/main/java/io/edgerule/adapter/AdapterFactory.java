package io.edgerule.adapter;

import java.util.List;

/**
 * Creates adapters for one protocol. Found with {@link java.util.ServiceLoader}; the daemon binds
 * each {@code devices:} entry whose {@code protocol:} equals {@link #protocol()} to {@link
 * #configType()}.
 *
 * @param <C> the protocol's device config record
 */
public interface AdapterFactory<C extends DeviceConfig> {

  /** The value of {@code protocol:} in the config, e.g. "modbus-tcp". */
  String protocol();

  Class<C> configType();

  /**
   * Checks that the configured devices of this protocol fit together (no shared resource claimed
   * twice), without I/O beyond looking at the file system. The daemon's config loader calls it, so
   * that {@code edgerule check} and {@code run} refuse the same configs with the same message at
   * the same place; {@link #create} must refuse exactly these (it may call this). Nothing by
   * default.
   *
   * @throws DeviceConflictException naming the device and field that conflict
   */
  default void check(List<C> devices) {}

  /**
   * Creates the adapters for all configured devices of this protocol (one per device, or one per
   * shared bus). Must not start I/O.
   *
   * @throws IllegalArgumentException when the devices conflict (e.g. two buses on one port); a
   *     {@link DeviceConflictException} for what {@link #check} finds
   */
  List<ProtocolAdapter> create(List<C> devices, AdapterContext context);
}
