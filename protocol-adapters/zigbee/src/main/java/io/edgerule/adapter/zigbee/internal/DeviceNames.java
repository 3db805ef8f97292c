package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.IeeeAddress;
import io.edgerule.adapter.zigbee.ZigbeeCoordinatorConfig;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Device names: the configured alias of an IEEE address, or the address in lower-case hex. */
public final class DeviceNames {
  private final Map<String, String> aliases;

  /**
   * @param aliases IEEE address (normalised: 16 lower-case hex digits, or as a person writes it,
   *     e.g. {@code 00:12:4B:...}) to name
   * @throws IllegalArgumentException for a key that is no IEEE address, an empty name, or an
   *     address given twice
   */
  public DeviceNames(Map<String, String> aliases) {
    // normalised here too: a key in another spelling would otherwise never match, silently
    Map<String, String> normalised = new HashMap<>();
    for (Map.Entry<String, String> e : aliases.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || e.getValue().isBlank()) {
        throw new IllegalArgumentException(
            "device alias " + e.getKey() + " -> " + e.getValue() + ": address and name needed");
      }
      String ieee = ZigbeeCoordinatorConfig.normaliseIeee(e.getKey());
      if (normalised.put(ieee, e.getValue()) != null) {
        throw new IllegalArgumentException("device alias: " + ieee + " is given twice");
      }
    }
    this.aliases = Map.copyOf(normalised);
  }

  public String nameOf(IeeeAddress ieee) {
    String hex = ieee.toString().toLowerCase(Locale.ROOT);
    return aliases.getOrDefault(hex, hex);
  }
}
