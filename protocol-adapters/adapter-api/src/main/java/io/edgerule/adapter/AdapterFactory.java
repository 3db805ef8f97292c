package io.edgerule.adapter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates adapters for one protocol. Found with {@link java.util.ServiceLoader}; the daemon binds
 * each {@code devices:} entry whose {@code protocol:} equals {@link #protocol()} to {@link
 * #configType()}.
 *
 * <p>The daemon asks {@link #units} which adapters the configured devices make, and creates, starts
 * and closes each one on its own ({@link #createAdapter}): a config reload replaces the adapter of
 * a changed device and leaves the others alone. What adapters of one protocol share (an event loop,
 * a certificate folder) the factory keeps, counted by its users, and stops when the last adapter
 * using it closes.
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
   * the same place; {@link #units} must refuse exactly these (it may call this). Nothing by
   * default.
   *
   * @throws DeviceConflictException naming the device and field that conflict
   */
  default void check(List<C> devices) {}

  /**
   * The adapters these devices make, in config order: each unit is the devices one adapter serves,
   * under a key that names what the adapter holds and that stays the same for the same config
   * entries on every load (a reload compares units by key). One adapter per device by default,
   * keyed {@code <protocol>:<name>}; Modbus RTU makes one per bus, keyed by its port.
   *
   * @throws IllegalArgumentException when the devices conflict (a {@link DeviceConflictException}
   *     for what {@link #check} finds)
   */
  default Map<String, List<C>> units(List<C> devices) {
    check(devices);
    Map<String, List<C>> units = new LinkedHashMap<>();
    for (C device : devices) {
      String key = protocol() + ":" + device.name();
      if (units.putIfAbsent(key, List.of(device)) != null) {
        throw new IllegalArgumentException(
            protocol() + " device '" + device.name() + "' is defined twice");
      }
    }
    return units;
  }

  /**
   * Creates the one adapter for one unit of {@link #units} (a device, or the slaves of one bus).
   * Must not start I/O. The adapter can be closed on its own; the factory's shared threads stop
   * when the last adapter using them is closed.
   *
   * @param context the adapter's own context: its {@link AdapterContext#blockingIo()} serves this
   *     adapter alone
   */
  ProtocolAdapter createAdapter(List<C> unit, AdapterContext context);

  /**
   * Applies a changed config of one unit (the same key of {@link #units}) to its running adapter in
   * place, keeping what the unit's devices share: an RS-485 bus stays open, and only its slaves
   * whose entries changed are made again (the others keep their schedule and report-by-exception
   * state). Called by a config reload on the daemon's reload thread, never at the same time as
   * another call for the same adapter or its {@code close()}; it may block briefly (closing a
   * device's poller).
   *
   * @param adapter the running adapter this factory made for the unit
   * @return the names of the devices made again, added or removed; empty when the change cannot be
   *     applied in place (the default; or a setting the devices share changed), and then nothing
   *     was changed: the daemon closes the adapter and creates a new one
   */
  default Optional<List<String>> reconfigure(ProtocolAdapter adapter, List<C> unit) {
    return Optional.empty();
  }

  /** One adapter per unit of {@link #units}, all with one context (tools and tests). */
  default List<ProtocolAdapter> createAll(List<C> devices, AdapterContext context) {
    List<ProtocolAdapter> adapters = new ArrayList<>();
    for (List<C> unit : units(devices).values()) {
      adapters.add(createAdapter(unit, context));
    }
    return List.copyOf(adapters);
  }
}
