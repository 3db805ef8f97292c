package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.IeeeAddress;
import java.util.Locale;
import java.util.Map;

/** Device names: the configured alias of an IEEE address, or the address in lower-case hex. */
public final class DeviceNames {
  private final Map<String, String> aliases;

  /**
   * @param aliases normalised IEEE address (16 lower-case hex digits) to name
   */
  public DeviceNames(Map<String, String> aliases) {
    this.aliases = Map.copyOf(aliases);
  }

  public String nameOf(IeeeAddress ieee) {
    String hex = ieee.toString().toLowerCase(Locale.ROOT);
    return aliases.getOrDefault(hex, hex);
  }
}
