package io.edgerule.daemon.config;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.DeviceConfig;
import io.edgerule.adapter.DeviceConflictException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks across entries of a bound config: unique names, devices of one protocol that conflict. */
final class DeviceChecks {
  private DeviceChecks() {}

  /** Device and rule names are unique. */
  static void unique(GatewayConfig config, YamlLocations where, Path file) throws ConfigException {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < config.devices().size(); i++) {
      Integer first = seen.putIfAbsent(config.devices().get(i).name(), i);
      if (first != null) {
        throw ConfigException.at(
            file,
            where.value("devices[" + i + "].name"),
            "devices["
                + i
                + "].name: device '"
                + config.devices().get(i).name()
                + "' is already defined at devices["
                + first
                + "]");
      }
    }
    seen.clear();
    for (int i = 0; i < config.rules().size(); i++) {
      Integer first = seen.putIfAbsent(config.rules().get(i).name(), i);
      if (first != null) {
        throw ConfigException.at(
            file,
            where.value("rules[" + i + "].name"),
            "rules["
                + i
                + "].name: rule '"
                + config.rules().get(i).name()
                + "' is already defined at rules["
                + first
                + "]");
      }
    }
  }

  /**
   * Each protocol's devices must fit together (two slaves on one serial port at different baud
   * rates, one unit id twice on a port, ...): the factory's own check, the one its create() runs at
   * start, so {@code check} and {@code run} refuse the same configs, at the conflicting field.
   */
  static void together(
      List<AdapterFactory<?>> factories, GatewayConfig config, YamlLocations where, Path file)
      throws ConfigException {
    for (AdapterFactory<?> factory : factories) {
      List<Integer> indexes = new ArrayList<>();
      for (int i = 0; i < config.devices().size(); i++) {
        if (factory.configType().isInstance(config.devices().get(i))) {
          indexes.add(i);
        }
      }
      if (indexes.isEmpty()) {
        continue;
      }
      try {
        checkWith(factory, indexes.stream().map(config.devices()::get).toList());
      } catch (DeviceConflictException e) {
        int device =
            e.device() >= 0 && e.device() < indexes.size()
                ? indexes.get(e.device())
                : indexes.get(0);
        String path = "devices[" + device + "]." + e.field();
        throw ConfigException.at(file, where.key(path), path + ": " + e.problem());
      } catch (RuntimeException e) {
        // A factory's check that fails otherwise is still a config problem, not a crash.
        String path = "devices[" + indexes.get(0) + "]";
        throw ConfigException.at(
            file,
            where.value(path),
            path + ": " + factory.protocol() + " devices do not fit together: " + e.getMessage());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <C extends DeviceConfig> void checkWith(
      AdapterFactory<C> factory, List<DeviceConfig> devices) {
    factory.check((List<C>) devices);
  }
}
