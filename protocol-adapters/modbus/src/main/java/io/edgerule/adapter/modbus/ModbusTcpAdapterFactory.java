package io.edgerule.adapter.modbus;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.modbus.internal.ModbusTcpAdapter;
import io.edgerule.adapter.modbus.internal.NettyResources;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * {@code protocol: modbus-tcp}: one {@link ProtocolAdapter} per device, each with its own TCP
 * connection and poll schedule. The adapters made with one {@link AdapterContext#threadFactory()}
 * (one gateway's) share one Netty event loop thread and a two-thread callback executor, made with
 * that factory and stopped when the last of them is closed; an adapter created after that gets new
 * ones.
 */
public final class ModbusTcpAdapterFactory implements AdapterFactory<ModbusTcpDeviceConfig> {
  public static final String PROTOCOL = "modbus-tcp";

  /** Per gateway (its adapters' thread factory); weak, so a closed gateway's entry goes. */
  private final Map<ThreadFactory, NettyResources> shared = new WeakHashMap<>();

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public Class<ModbusTcpDeviceConfig> configType() {
    return ModbusTcpDeviceConfig.class;
  }

  @Override
  public ProtocolAdapter createAdapter(List<ModbusTcpDeviceConfig> unit, AdapterContext context) {
    if (unit.size() != 1) {
      throw new IllegalArgumentException("a modbus-tcp adapter serves one device, got " + unit);
    }
    synchronized (shared) {
      NettyResources threads = shared.get(context.threadFactory());
      // Our own lease keeps the threads from being released while the adapter takes its own.
      Runnable held = threads == null ? null : threads.tryLease();
      if (held == null) {
        threads = new NettyResources(context.threadFactory());
        shared.put(context.threadFactory(), threads);
        held = threads.lease();
      }
      try {
        return new ModbusTcpAdapter(unit.get(0), context, threads);
      } finally {
        held.run();
      }
    }
  }
}
