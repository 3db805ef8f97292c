package io.edgerule.daemon.namespace;

import io.edgerule.adapter.PointInfo;
import io.edgerule.daemon.config.MqttConfig;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import io.edgerule.daemon.namespace.sparkplug.SparkplugNamespace;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/** Makes the fleet namespace {@code mqtt.namespace} names. */
public final class Namespaces {
  private Namespaces() {}

  /**
   * @param mqtt null when the gateway has no uplink: the JSON namespace under the default prefix
   *     (its messages are counted as dropped)
   * @param stateDir where a namespace keeps what must survive a restart (Sparkplug's bdSeq)
   * @param points every point of the gateway's devices (Sparkplug's DBIRTH lists them); asked only
   *     after the adapters exist
   */
  public static FleetNamespace create(
      MqttConfig mqtt,
      String gatewayId,
      Path stateDir,
      Clock clock,
      Supplier<List<PointInfo>> points) {
    if (mqtt == null) {
      return new JsonNamespace(new JsonTopics("edgerule", gatewayId));
    }
    return switch (mqtt.namespace()) {
      case JSON ->
          new JsonNamespace(new JsonTopics(mqtt.topicPrefix(), gatewayId), mqtt.telemetryQos());
      case SPARKPLUG ->
          new SparkplugNamespace(
              mqtt.sparkplug().groupId(),
              mqtt.sparkplug().edgeNodeIdFor(gatewayId),
              stateDir.resolve("sparkplug-bdseq"),
              clock,
              points,
              new JsonNamespace(new JsonTopics(mqtt.topicPrefix(), gatewayId)));
    };
  }
}
