package io.edgerule.adapter.modbus;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.modbus.internal.rtu.ModbusRtuAdapter;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@code protocol: modbus-rtu}: every {@code devices:} entry is one slave; the slaves with the same
 * {@code bus.port} become one {@link ProtocolAdapter} per bus, with one request on the wire at a
 * time. Each adapter has two threads from {@link AdapterContext#threadFactory()}: the bus thread
 * and one for its pollers.
 *
 * @throws IllegalArgumentException (from {@link #create}) when two slaves on one port disagree on
 *     the bus settings or share a unit id, when a device name is used twice, or when two port paths
 *     name the same serial device
 */
public final class ModbusRtuAdapterFactory implements AdapterFactory<ModbusRtuDeviceConfig> {
  public static final String PROTOCOL = "modbus-rtu";

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public Class<ModbusRtuDeviceConfig> configType() {
    return ModbusRtuDeviceConfig.class;
  }

  @Override
  public List<ProtocolAdapter> create(List<ModbusRtuDeviceConfig> devices, AdapterContext context) {
    Map<String, List<ModbusRtuDeviceConfig>> buses = group(devices);
    List<ProtocolAdapter> adapters = new ArrayList<>();
    for (List<ModbusRtuDeviceConfig> slaves : buses.values()) {
      adapters.add(new ModbusRtuAdapter(slaves.get(0).bus(), slaves, context));
    }
    return List.copyOf(adapters);
  }

  /**
   * The slaves by port, in config order, after checking that they fit together.
   *
   * @throws IllegalArgumentException naming the devices and the setting that conflict
   */
  public static Map<String, List<ModbusRtuDeviceConfig>> group(
      List<ModbusRtuDeviceConfig> devices) {
    Set<String> names = new HashSet<>();
    Map<String, List<ModbusRtuDeviceConfig>> buses = new LinkedHashMap<>();
    for (ModbusRtuDeviceConfig d : devices) {
      if (!names.add(d.name())) {
        throw new IllegalArgumentException("modbus-rtu device '" + d.name() + "' is defined twice");
      }
      List<ModbusRtuDeviceConfig> slaves =
          buses.computeIfAbsent(d.bus().port(), p -> new ArrayList<>());
      if (!slaves.isEmpty()) {
        ModbusRtuDeviceConfig first = slaves.get(0);
        String conflict = firstDifference(first.bus(), d.bus());
        if (conflict != null) {
          throw new IllegalArgumentException(
              "modbus-rtu devices '"
                  + first.name()
                  + "' and '"
                  + d.name()
                  + "' are both on port "
                  + d.bus().port()
                  + " but disagree on "
                  + conflict
                  + ": every device on one port needs the same bus settings");
        }
        for (ModbusRtuDeviceConfig other : slaves) {
          if (other.unitId().equals(d.unitId())) {
            throw new IllegalArgumentException(
                "modbus-rtu devices '"
                    + other.name()
                    + "' and '"
                    + d.name()
                    + "' both use unit_id "
                    + d.unitId()
                    + " on port "
                    + d.bus().port());
          }
        }
      }
      slaves.add(d);
    }
    checkSameDevice(buses);
    return buses;
  }

  /** "baud (9600 vs 19200)" for the first bus setting that differs, or null. */
  static String firstDifference(ModbusRtuBusConfig a, ModbusRtuBusConfig b) {
    for (RecordComponent c : ModbusRtuBusConfig.class.getRecordComponents()) {
      try {
        Object x = c.getAccessor().invoke(a);
        Object y = c.getAccessor().invoke(b);
        if (!Objects.equals(x, y)) {
          return snake(c.getName()) + " (" + x + " vs " + y + ")";
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot compare bus settings", e);
      }
    }
    return null;
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** Two spellings of one serial device (a by-id link and its tty) would be two buses: refuse. */
  private static void checkSameDevice(Map<String, List<ModbusRtuDeviceConfig>> buses) {
    Map<Path, String> real = new HashMap<>();
    for (String port : buses.keySet()) {
      if (port.startsWith(ModbusRtuBusConfig.TCP_PREFIX)) {
        continue;
      }
      Path resolved;
      try {
        resolved = Path.of(port).toRealPath();
      } catch (IOException | RuntimeException e) {
        continue; // not present yet: cannot tell, the adapter will wait for it
      }
      String other = real.putIfAbsent(resolved, port);
      if (other != null) {
        throw new IllegalArgumentException(
            "modbus-rtu ports "
                + other
                + " and "
                + port
                + " are the same device ("
                + resolved
                + "): put all its slaves on one port");
      }
    }
  }
}
