package io.edgerule.adapter.modbus;

import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.DeviceConflictException;
import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.modbus.internal.rtu.ModbusRtuAdapter;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code protocol: modbus-rtu}: every {@code devices:} entry is one slave; the slaves with the same
 * {@code bus.port} become one {@link ProtocolAdapter} per bus, with one request on the wire at a
 * time. A reload makes a changed slave again on its open bus; a changed bus setting restarts the
 * bus. Each adapter has two threads from {@link AdapterContext#threadFactory()}: the bus thread and
 * one for its pollers.
 *
 * <p>{@link #check} (and {@link #units}) refuse, with a {@link DeviceConflictException} at the
 * later device's field: two slaves on one port that disagree on the bus settings or share a unit
 * id, a device name used twice, and two spellings of one serial device (a by-id link and its tty,
 * {@code /dev/./ttyUSB0} and {@code /dev/ttyUSB0}).
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
  public void check(List<ModbusRtuDeviceConfig> devices) {
    group(devices);
  }

  /** One unit per bus, keyed {@code modbus-rtu:<port>}, its slaves in config order. */
  @Override
  public Map<String, List<ModbusRtuDeviceConfig>> units(List<ModbusRtuDeviceConfig> devices) {
    Map<String, List<ModbusRtuDeviceConfig>> units = new LinkedHashMap<>();
    group(devices).forEach((port, slaves) -> units.put(PROTOCOL + ":" + port, List.copyOf(slaves)));
    return units;
  }

  /** The adapter of one bus: {@code unit} is its slaves (one entry of {@link #units}). */
  @Override
  public ProtocolAdapter createAdapter(List<ModbusRtuDeviceConfig> unit, AdapterContext context) {
    group(unit); // the slaves of one unit agree on their bus
    return new ModbusRtuAdapter(unit.get(0).bus(), unit, context);
  }

  /**
   * A reload that changes slaves but not their bus settings makes only those slaves again: the bus
   * stays open and the other slaves keep their state ({@link ModbusRtuAdapter#reconfigure}).
   */
  @Override
  public Optional<List<String>> reconfigure(
      ProtocolAdapter adapter, List<ModbusRtuDeviceConfig> unit) {
    group(unit); // the slaves of one unit agree on their bus
    return adapter instanceof ModbusRtuAdapter rtu ? rtu.reconfigure(unit) : Optional.empty();
  }

  /**
   * The slaves by port, in config order, after checking that they fit together.
   *
   * @throws DeviceConflictException naming the device (its index in {@code devices}), the field and
   *     the devices that conflict
   */
  public static Map<String, List<ModbusRtuDeviceConfig>> group(
      List<ModbusRtuDeviceConfig> devices) {
    Map<String, Integer> names = new HashMap<>();
    Map<String, List<ModbusRtuDeviceConfig>> buses = new LinkedHashMap<>();
    Map<Object, String> nodes = new HashMap<>(); // device node -> the port spelling seen first
    for (int i = 0; i < devices.size(); i++) {
      ModbusRtuDeviceConfig d = devices.get(i);
      if (names.putIfAbsent(d.name(), i) != null) {
        throw new DeviceConflictException(
            i, "name", "modbus-rtu device '" + d.name() + "' is defined twice");
      }
      String port = d.bus().port();
      String spelling = nodes.putIfAbsent(node(port), port);
      if (spelling != null && !spelling.equals(port)) {
        throw new DeviceConflictException(
            i,
            "bus.port",
            "modbus-rtu ports "
                + spelling
                + " and "
                + port
                + " are the same device ("
                + node(port)
                + "): write one spelling for all slaves on it");
      }
      List<ModbusRtuDeviceConfig> slaves = buses.computeIfAbsent(port, p -> new ArrayList<>());
      if (!slaves.isEmpty()) {
        ModbusRtuDeviceConfig first = slaves.get(0);
        String[] conflict = firstDifference(first.bus(), d.bus());
        if (conflict != null) {
          throw new DeviceConflictException(
              i,
              "bus." + conflict[0],
              "modbus-rtu devices '"
                  + first.name()
                  + "' and '"
                  + d.name()
                  + "' are both on port "
                  + port
                  + " but disagree on "
                  + conflict[1]
                  + ": every device on one port needs the same bus settings");
        }
        for (ModbusRtuDeviceConfig other : slaves) {
          if (other.unitId().equals(d.unitId())) {
            throw new DeviceConflictException(
                i,
                "unit_id",
                "modbus-rtu devices '"
                    + other.name()
                    + "' and '"
                    + d.name()
                    + "' both use unit_id "
                    + d.unitId()
                    + " on port "
                    + port);
          }
        }
      }
      slaves.add(d);
    }
    return buses;
  }

  /**
   * What a port names: a tcp:// address as written; a serial device by its real path when it exists
   * (a by-id link and its tty are one device), else by its normalised absolute path ({@code
   * /dev/./ttyUSB0} is {@code /dev/ttyUSB0}).
   */
  private static Object node(String port) {
    if (port.startsWith(ModbusRtuBusConfig.TCP_PREFIX)) {
      return port;
    }
    Path path;
    try {
      path = Path.of(port).toAbsolutePath().normalize();
    } catch (RuntimeException e) {
      return port; // not a path this system can name: compared as written
    }
    try {
      return path.toRealPath();
    } catch (IOException | RuntimeException e) {
      return path; // not present yet: the adapter waits for it
    }
  }

  /** The first bus setting that differs, as {field, "baud (9600 vs 19200)"}, or null. */
  static String[] firstDifference(ModbusRtuBusConfig a, ModbusRtuBusConfig b) {
    for (RecordComponent c : ModbusRtuBusConfig.class.getRecordComponents()) {
      try {
        Object x = c.getAccessor().invoke(a);
        Object y = c.getAccessor().invoke(b);
        if (!Objects.equals(x, y)) {
          String field = snake(c.getName());
          return new String[] {field, field + " (" + shown(x) + " vs " + shown(y) + ")"};
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot compare bus settings", e);
      }
    }
    return null;
  }

  /** A bus setting as it is written in the config. */
  private static String shown(Object value) {
    if (value instanceof Duration d) {
      return DurationText.format(d);
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(java.util.Locale.ROOT);
    }
    if (value instanceof Backoff b) {
      return "{initial: "
          + DurationText.format(b.initial())
          + ", max: "
          + DurationText.format(b.max())
          + ", multiplier: "
          + b.multiplier()
          + "}";
    }
    return String.valueOf(value);
  }

  private static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
