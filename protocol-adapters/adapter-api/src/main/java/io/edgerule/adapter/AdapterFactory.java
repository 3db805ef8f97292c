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
   * Creates the adapters for all configured devices of this protocol (one per device, or one per
   * shared bus). Must not start I/O.
   *
   * @throws IllegalArgumentException when the devices conflict (e.g. two buses on one port)
   */
  List<ProtocolAdapter> create(List<C> devices, AdapterContext context);
}
