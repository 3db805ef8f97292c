package io.edgerule.daemon.config;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Who this gateway is and where it keeps durable state.
 *
 * @param id the gateway id: one MQTT topic segment, unique in the fleet
 * @param stateDir durable state (adapter certificates, Zigbee network, rule state, queues);
 *     relative paths are resolved against the config file's folder
 */
public record GatewaySection(String id, Path stateDir) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  public GatewaySection {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "id: must be 1-64 letters, digits, '_', '.' or '-' (it is an MQTT topic segment), got "
              + (id == null ? "nothing" : "'" + id + "'"));
    }
    stateDir = stateDir == null ? Path.of("/var/lib/edgerule") : stateDir;
  }
}
