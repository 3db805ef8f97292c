package io.edgerule.adapter.opcua;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.opcua.internal.MiloResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * Creates one {@link OpcUaAdapter} per {@code protocol: opcua} device. The adapters of one gateway
 * (one {@link AdapterContext#threadFactory()}) share one PKI folder ({@code <state>/opcua/pki}, one
 * application certificate for the gateway) and one set of Milo threads made from that thread
 * factory, which stop when the last of those adapters is closed.
 *
 * <pre>{@code
 * AdapterFactory<OpcUaDeviceConfig> f = new OpcUaAdapterFactory();   // or via ServiceLoader
 * List<ProtocolAdapter> adapters = f.createAll(devices, context);    // no I/O yet
 * adapters.get(0).start(sink);                                       // connects in the background
 * }</pre>
 */
public final class OpcUaAdapterFactory implements AdapterFactory<OpcUaDeviceConfig> {

  /** Per gateway (its adapters' thread factory); weak, so a closed gateway's entry goes. */
  private final Map<ThreadFactory, MiloResources> threads = new WeakHashMap<>();

  /** Opened once per state folder: opening may create the application certificate. */
  private final Map<Path, OpcUaPki> pkis = new HashMap<>();

  @Override
  public String protocol() {
    return "opcua";
  }

  @Override
  public Class<OpcUaDeviceConfig> configType() {
    return OpcUaDeviceConfig.class;
  }

  @Override
  public ProtocolAdapter createAdapter(List<OpcUaDeviceConfig> unit, AdapterContext context) {
    if (unit.size() != 1) {
      throw new IllegalArgumentException("an opcua adapter serves one device, got " + unit);
    }
    synchronized (threads) {
      OpcUaPki pki = pki(context.stateDirectory());
      MiloResources resources = threads.get(context.threadFactory());
      // Our own reference keeps the threads from being released while the adapter takes its own.
      if (resources == null || !resources.tryRetain()) {
        resources = new MiloResources(context.threadFactory(), context.scheduler());
        threads.put(context.threadFactory(), resources);
        resources.retain();
      }
      try {
        return new OpcUaAdapter(unit.get(0), context, pki, resources);
      } finally {
        resources.release();
      }
    }
  }

  private OpcUaPki pki(Path stateDirectory) {
    OpcUaPki pki = pkis.get(stateDirectory);
    if (pki == null) {
      try {
        pki = OpcUaPki.open(stateDirectory);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot create the OPC-UA PKI folder under " + stateDirectory, e);
      }
      pkis.put(stateDirectory, pki);
    }
    return pki;
  }
}
