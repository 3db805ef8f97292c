package io.edgerule.adapter.opcua;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.opcua.internal.MiloResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates one {@link OpcUaAdapter} per {@code protocol: opcua} device. All of them share one PKI
 * folder ({@code <state>/opcua/pki}, one application certificate for the gateway) and one set of
 * Milo threads made from the daemon's thread factory.
 *
 * <pre>{@code
 * AdapterFactory<OpcUaDeviceConfig> f = new OpcUaAdapterFactory();   // or via ServiceLoader
 * List<ProtocolAdapter> adapters = f.create(devices, context);       // no I/O yet
 * adapters.get(0).start(sink);                                       // connects in the background
 * }</pre>
 */
public final class OpcUaAdapterFactory implements AdapterFactory<OpcUaDeviceConfig> {

  @Override
  public String protocol() {
    return "opcua";
  }

  @Override
  public Class<OpcUaDeviceConfig> configType() {
    return OpcUaDeviceConfig.class;
  }

  @Override
  public List<ProtocolAdapter> create(List<OpcUaDeviceConfig> devices, AdapterContext context) {
    if (devices.isEmpty()) {
      return List.of();
    }
    OpcUaPki pki;
    try {
      pki = OpcUaPki.open(context.stateDirectory());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the OPC-UA PKI folder under " + context.stateDirectory(), e);
    }
    MiloResources resources = new MiloResources(context.threadFactory(), context.scheduler());
    List<ProtocolAdapter> adapters = new ArrayList<>();
    resources.retain();
    try {
      for (OpcUaDeviceConfig device : devices) {
        adapters.add(new OpcUaAdapter(device, context, pki, resources));
      }
    } finally {
      // The adapters hold the resources now; the last one to close releases them.
      resources.release();
    }
    return List.copyOf(adapters);
  }
}
