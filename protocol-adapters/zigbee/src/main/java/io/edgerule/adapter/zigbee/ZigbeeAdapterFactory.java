package io.edgerule.adapter.zigbee;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.DeviceConflictException;
import io.edgerule.adapter.ProtocolAdapter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code protocol: zigbee}: one {@link ZigbeeCoordinatorAdapter} per coordinator dongle. */
public final class ZigbeeAdapterFactory implements AdapterFactory<ZigbeeCoordinatorConfig> {

  @Override
  public String protocol() {
    return "zigbee";
  }

  @Override
  public Class<ZigbeeCoordinatorConfig> configType() {
    return ZigbeeCoordinatorConfig.class;
  }

  /**
   * Refuses two coordinators on one port, and a device name given twice (a coordinator's own name
   * or one of its devices' names) across coordinators.
   *
   * @throws DeviceConflictException at the later coordinator's {@code port}, {@code name} or {@code
   *     devices}
   */
  @Override
  public void check(List<ZigbeeCoordinatorConfig> devices) {
    Map<String, String> ports = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < devices.size(); i++) {
      ZigbeeCoordinatorConfig c = devices.get(i);
      String other = ports.put(c.port(), c.name());
      if (other != null) {
        throw new DeviceConflictException(
            i,
            "port",
            "zigbee coordinators '" + other + "' and '" + c.name() + "' share port " + c.port());
      }
      checkName(names, c.name(), c.name(), i, "name");
      for (String alias : c.devices().values()) {
        checkName(names, alias, c.name(), i, "devices");
      }
    }
  }

  /** The adapter of one coordinator (a unit of {@link #units}: one per coordinator). */
  @Override
  public ProtocolAdapter createAdapter(List<ZigbeeCoordinatorConfig> unit, AdapterContext context) {
    if (unit.size() != 1) {
      throw new IllegalArgumentException("a zigbee adapter serves one coordinator, got " + unit);
    }
    return new ZigbeeCoordinatorAdapter(unit.get(0), context);
  }

  private static void checkName(
      Map<String, String> names, String name, String coordinator, int index, String field) {
    String owner = names.put(name, coordinator);
    if (owner != null) {
      throw new DeviceConflictException(
          index,
          field,
          "zigbee: the device name '"
              + name
              + "' is used by coordinators '"
              + owner
              + "' and '"
              + coordinator
              + "'");
    }
  }
}
