package io.edgerule.daemon.config;

import java.util.regex.Pattern;

/**
 * {@code mqtt.sparkplug}: the Sparkplug B identity of the gateway (used when {@code mqtt.namespace}
 * is {@code sparkplug}).
 *
 * @param groupId the Sparkplug group the edge node belongs to (required)
 * @param edgeNodeId the edge node id; null: the gateway id
 */
public record SparkplugConfig(String groupId, String edgeNodeId) {
  /**
   * Sparkplug B ids are topic segments: no '/', '+' or '#'. We take the gateway id's character set,
   * which every host and broker handles.
   */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  public SparkplugConfig {
    if (groupId == null) {
      throw new IllegalArgumentException("group_id: required, e.g. group_id: plant-1");
    }
    check("group_id", groupId);
    if (edgeNodeId != null) {
      check("edge_node_id", edgeNodeId);
    }
  }

  private static void check(String field, String value) {
    if (!ID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field
              + ": must be 1-64 letters, digits, '_', '.' or '-' (a Sparkplug topic segment), got '"
              + value
              + "'");
    }
  }

  /** The edge node id: {@code edge_node_id}, or the gateway id when it is not set. */
  public String edgeNodeIdFor(String gatewayId) {
    return edgeNodeId != null ? edgeNodeId : gatewayId;
  }
}
