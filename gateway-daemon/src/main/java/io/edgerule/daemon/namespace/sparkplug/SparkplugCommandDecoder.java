package io.edgerule.daemon.namespace.sparkplug;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.namespace.CommandId;
import io.edgerule.daemon.namespace.FleetCommand;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.Topic;

/**
 * Reads NCMD and DCMD messages (decoded with Tahu's {@link SparkplugBPayloadDecoder}) into fleet
 * commands: the NCMD metric {@code Node Control/Rebirth} = true asks for a rebirth, {@code Node
 * Control/Reload} = true for a config reload (the JSON namespace's {@code cmd/reload}); every DCMD
 * metric is a write of that device's point (named by metric name or alias), answered like the JSON
 * namespace's {@code cmd/write}. Never throws: what cannot be read is {@link FleetCommand.Invalid}.
 */
final class SparkplugCommandDecoder {
  static final String REBIRTH = "Node Control/Rebirth";

  /** Not one of the specification's node controls: ours, for what {@code cmd/reload} does. */
  static final String RELOAD = "Node Control/Reload";

  /** As for JSON commands: a command is small; a huge payload is refused before decoding. */
  static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  private final SparkplugTopics topics;

  SparkplugCommandDecoder(SparkplugTopics topics) {
    this.topics = topics;
  }

  /**
   * @param pointOfAlias the point a metric alias stands for (null if none)
   * @param nodeMetricOfAlias the node metric an alias stands for (null if none)
   * @return one command per metric (at least one: an Invalid when there is none)
   */
  List<FleetCommand> decode(
      String topic,
      byte[] payload,
      LongFunction<PointId> pointOfAlias,
      LongFunction<String> nodeMetricOfAlias) {
    Topic t;
    try {
      t = Topic.parseTopic(topic);
    } catch (Exception | Error e) {
      return invalid("command", "topic '" + topic + "' is not a Sparkplug B topic: " + e);
    }
    boolean node = t.getType() == MessageType.NCMD;
    String name = node ? "rebirth" : "write";
    if (!(node || t.getType() == MessageType.DCMD)
        || !topics.groupId().equals(t.getGroupId())
        || !topics.edgeNodeId().equals(t.getEdgeNodeId())) {
      return invalid(name, "topic '" + topic + "' is not an NCMD or DCMD of this edge node");
    }
    if (payload != null && payload.length > MAX_PAYLOAD_BYTES) {
      return invalid(
          name,
          "payload of " + payload.length + " bytes; a command is at most " + MAX_PAYLOAD_BYTES);
    }
    SparkplugBPayload p;
    try {
      p =
          new SparkplugBPayloadDecoder()
              .buildFromByteArray(payload == null ? new byte[0] : payload, null);
    } catch (Exception e) {
      return invalid(name, "payload is not a Sparkplug B payload: " + e.getMessage());
    }
    if (p.getMetrics() == null || p.getMetrics().isEmpty()) {
      return invalid(name, t.getType() + " without metrics");
    }
    List<FleetCommand> out = new ArrayList<>();
    for (Metric m : p.getMetrics()) {
      out.add(node ? nodeCommand(m, nodeMetricOfAlias) : write(t.getDeviceId(), m, pointOfAlias));
    }
    return out;
  }

  private static List<FleetCommand> invalid(String name, String detail) {
    return List.of(new FleetCommand.Invalid(null, name, detail));
  }

  private static FleetCommand nodeCommand(Metric m, LongFunction<String> nodeMetricOfAlias) {
    String metric =
        m.hasName() ? m.getName() : m.hasAlias() ? nodeMetricOfAlias.apply(m.getAlias()) : null;
    CommandId id = new CommandId("NCMD:" + metric, "NCMD:" + metric);
    if (!REBIRTH.equals(metric) && !RELOAD.equals(metric)) {
      return new FleetCommand.Invalid(
          id,
          "rebirth",
          "unknown node command metric " + shown(m) + "; known: " + REBIRTH + ", " + RELOAD);
    }
    String name = REBIRTH.equals(metric) ? "rebirth" : "reload";
    if (!Boolean.TRUE.equals(m.getValue())) {
      return new FleetCommand.Invalid(
          id, name, metric + " must be the Boolean true, not " + m.getValue());
    }
    return REBIRTH.equals(metric)
        ? new FleetCommand.Rebirth(id, name)
        : new FleetCommand.Reload(id, name);
  }

  private static FleetCommand write(String device, Metric m, LongFunction<PointId> pointOfAlias) {
    PointId point;
    if (m.hasName()) {
      try {
        point = new PointId(device, m.getName());
      } catch (IllegalArgumentException e) {
        return new FleetCommand.Invalid(
            new CommandId("DCMD:" + device, "DCMD:" + device),
            "write",
            "metric name '" + m.getName() + "' is not a point name: " + e.getMessage());
      }
    } else if (m.hasAlias()) {
      point = pointOfAlias.apply(m.getAlias());
      if (point == null || !point.device().equals(device)) {
        return new FleetCommand.Invalid(
            new CommandId("DCMD:" + device, "DCMD:" + device),
            "write",
            "alias " + m.getAlias() + " is no point of device '" + device + "'");
      }
    } else {
      return new FleetCommand.Invalid(
          new CommandId("DCMD:" + device, "DCMD:" + device),
          "write",
          "a DCMD metric needs a name or an alias");
    }
    CommandId id = new CommandId("DCMD:" + point, "DCMD:" + point);
    try {
      return new FleetCommand.Write(id, "write", point, value(m));
    } catch (IllegalArgumentException e) {
      return new FleetCommand.Invalid(id, "write", e.getMessage());
    }
  }

  /** The metric's value as our type; the adapter converts it to the point's or rejects it. */
  static PointValue value(Metric m) {
    Object v = m.getValue();
    MetricDataType type = m.getDataType();
    if (v == null || Boolean.TRUE.equals(m.isNull())) {
      throw new IllegalArgumentException("'value' is missing (metric " + shown(m) + " is null)");
    }
    if (v instanceof Boolean b) {
      return PointValue.of(b);
    }
    if (v instanceof BigInteger big) {
      if (big.bitLength() > 63) {
        throw new IllegalArgumentException("'value' " + big + " does not fit in 64 bits");
      }
      return PointValue.of(big.longValue());
    }
    if (v instanceof Float || v instanceof Double) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("'value' " + d + " is not a finite number");
      }
      return PointValue.of(d);
    }
    if (v instanceof Number n) {
      return PointValue.of(n.longValue());
    }
    if (v instanceof String s) {
      return PointValue.of(s);
    }
    if (v instanceof byte[] bytes) {
      return PointValue.of(bytes);
    }
    throw new IllegalArgumentException(
        "metric " + shown(m) + " has datatype " + type + ", which cannot be written to a point");
  }

  private static String shown(Metric m) {
    return m.hasName() ? "'" + m.getName() + "'" : "alias " + m.getAlias();
  }
}
