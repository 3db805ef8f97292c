package io.edgerule.adapter.modbus;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.modbus.internal.ModbusTcpAdapter;
import io.edgerule.adapter.modbus.internal.NettyResources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code protocol: modbus-tcp}: one {@link ProtocolAdapter} per device, each with its own TCP
 * connection and poll schedule. The adapters of one {@link #create} call share one Netty event loop
 * thread and a two-thread callback executor, made with {@link AdapterContext#threadFactory()} and
 * stopped when the last of them is closed.
 */
public final class ModbusTcpAdapterFactory implements AdapterFactory<ModbusTcpDeviceConfig> {
  public static final String PROTOCOL = "modbus-tcp";

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public Class<ModbusTcpDeviceConfig> configType() {
    return ModbusTcpDeviceConfig.class;
  }

  @Override
  public List<ProtocolAdapter> create(List<ModbusTcpDeviceConfig> devices, AdapterContext context) {
    Set<String> names = new HashSet<>();
    for (ModbusTcpDeviceConfig d : devices) {
      if (!names.add(d.name())) {
        throw new IllegalArgumentException("modbus-tcp device '" + d.name() + "' is defined twice");
      }
    }
    if (devices.isEmpty()) {
      return List.of();
    }
    NettyResources threads = new NettyResources(context.threadFactory());
    List<ProtocolAdapter> adapters = new ArrayList<>();
    for (ModbusTcpDeviceConfig device : devices) {
      adapters.add(new ModbusTcpAdapter(device, context, threads));
    }
    return List.copyOf(adapters);
  }
}
