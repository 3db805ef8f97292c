package io.edgerule.ota.fleet;

/**
 * The fleet's OTA topics, all under the MQTT topic prefix ({@code mqtt.topic_prefix}, default
 * {@code edgerule}). Reference: docs/reference/ota-topics.md.
 *
 * <ul>
 *   <li>{@code <prefix>/fleet/rollout} (retained): the current {@link Rollout}, the controller's
 *       truth;
 *   <li>{@code <prefix>/fleet/rollback/<id>} (retained): signed {@link RollbackSwitch}es;
 *   <li>{@code <prefix>/images/<sha256>/index} and {@code .../chunks/<n>} (retained): an image
 *       ({@link io.edgerule.ota.device.MqttImageFetch});
 *   <li>{@code <prefix>/<gateway>/ota/status} (retained, by each gateway): its last update
 *       transition ({@link io.edgerule.ota.device.UpdateStatus});
 *   <li>{@code <prefix>/<gateway>/ota/follow} (retained, by each gateway): what it makes of the
 *       current rollout ({@link FollowReport});
 *   <li>{@code <prefix>/fleet/trust} (retained): the chain of signed trust roots ({@link
 *       io.edgerule.ota.trust.PublishedRoots});
 *   <li>{@code <prefix>/<gateway>/ota/trust} (retained, by each gateway): the root it trusts and
 *       what it made of the last chain ({@link TrustReport}).
 * </ul>
 */
public record FleetTopics(String prefix) {
  public FleetTopics {
    if (prefix == null
        || prefix.isEmpty()
        || prefix.contains("+")
        || prefix.contains("#")
        || prefix.startsWith("/")
        || prefix.endsWith("/")
        || prefix.contains("//")) {
      throw new IllegalArgumentException(
          "topic prefix '" + prefix + "': must be non-empty, without wildcards or empty levels");
    }
  }

  public String rollout() {
    return prefix + "/fleet/rollout";
  }

  public String rollbackFilter() {
    return prefix + "/fleet/rollback/+";
  }

  public String rollback(String switchId) {
    return prefix + "/fleet/rollback/" + switchId;
  }

  public String status(String gateway) {
    return prefix + "/" + gateway + "/ota/status";
  }

  public String statusFilter() {
    return prefix + "/+/ota/status";
  }

  public String trust() {
    return prefix + "/fleet/trust";
  }

  public String trustReport(String gateway) {
    return prefix + "/" + gateway + "/ota/trust";
  }

  public String trustReportFilter() {
    return prefix + "/+/ota/trust";
  }

  public String follow(String gateway) {
    return prefix + "/" + gateway + "/ota/follow";
  }

  public String followFilter() {
    return prefix + "/+/ota/follow";
  }

  /**
   * The gateway a per-gateway topic ({@code <prefix>/<gateway>/ota/...}) belongs to, or null if the
   * topic is not one.
   */
  public String gatewayOf(String topic) {
    String head = prefix + "/";
    if (!topic.startsWith(head)) {
      return null;
    }
    int slash = topic.indexOf('/', head.length());
    if (slash < 0 || !topic.startsWith("/ota/", slash)) {
      return null;
    }
    String gw = topic.substring(head.length(), slash);
    return gw.isEmpty() || gw.equals("fleet") || gw.equals("images") ? null : gw;
  }
}
