package io.edgerule.adapter.zigbee;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.ProtocolAdapter;
import java.util.ArrayList;
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
   * @throws IllegalArgumentException when two coordinators share a port or a name, or give one
   *     device name twice
   */
  @Override
  public List<ProtocolAdapter> create(
      List<ZigbeeCoordinatorConfig> devices, AdapterContext context) {
    Map<String, String> ports = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    for (ZigbeeCoordinatorConfig c : devices) {
      String other = ports.put(c.port(), c.name());
      if (other != null) {
        throw new IllegalArgumentException(
            "zigbee coordinators '" + other + "' and '" + c.name() + "' share port " + c.port());
      }
      checkName(names, c.name(), c.name());
      for (String alias : c.devices().values()) {
        checkName(names, alias, c.name());
      }
    }
    List<ProtocolAdapter> adapters = new ArrayList<>();
    for (ZigbeeCoordinatorConfig c : devices) {
      adapters.add(new ZigbeeCoordinatorAdapter(c, context));
    }
    return adapters;
  }

  private static void checkName(Map<String, String> names, String name, String coordinator) {
    String owner = names.put(name, coordinator);
    if (owner != null) {
      throw new IllegalArgumentException(
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
