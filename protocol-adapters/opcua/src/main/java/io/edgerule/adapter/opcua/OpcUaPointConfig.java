package io.edgerule.adapter.opcua;

import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.opcua.internal.NodeIdText;
import java.time.Duration;

/**
 * One point of an OPC-UA device: a variable node the gateway subscribes to.
 *
 * <pre>{@code
 * - name: tank/temperature
 *   node_id: ns=2;s=Tank/Temperature        # or nsu=urn:plc:plant;s=Tank/Temperature
 *   type: float64                           # bool | int64 | float64 | string | bytes; default float64
 *   sampling_interval: 250ms                # default: the device's publishing_interval
 *   queue_size: 10                          # default 10
 *   deadband: {type: absolute, value: 0.5}  # default: none (every change)
 *   writable: false                         # default false
 * }</pre>
 *
 * @param name the point name (the part after {@code device/}), e.g. {@code tank/temperature}
 * @param nodeId the variable's NodeId in text form
 * @param type the type rules see (default FLOAT64). Values are converted to it only when that is
 *     exact (an Int32 node into float64 or int64, a Double node into int64 only while it holds
 *     whole numbers); any other value is reported BAD with the mismatch as the reason
 * @param samplingInterval how often the server samples the variable; 0 asks for the fastest rate
 *     the server offers
 * @param queueSize how many samples the server keeps between two publishes (oldest dropped first)
 * @param deadband the change needed before the server reports a new value
 * @param writable whether rules may write this point
 */
public record OpcUaPointConfig(
    String name,
    String nodeId,
    ValueType type,
    Duration samplingInterval,
    Integer queueSize,
    OpcUaDeadband deadband,
    Boolean writable) {

  public static final int DEFAULT_QUEUE_SIZE = 10;

  public OpcUaPointConfig {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: every point needs a name");
    }
    try {
      new PointId("device", name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("name: " + e.getMessage());
    }
    try {
      NodeIdText.parse(nodeId);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("node_id: " + e.getMessage());
    }
    nodeId = nodeId.trim();
    type = type == null ? ValueType.FLOAT64 : type;
    if (samplingInterval != null && samplingInterval.isNegative()) {
      throw new IllegalArgumentException(
          "sampling_interval: must not be negative, got " + DurationText.format(samplingInterval));
    }
    // the subscription takes it in milliseconds: huge values would overflow there
    if (samplingInterval != null
        && samplingInterval.compareTo(OpcUaDeviceConfig.MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "sampling_interval: must be at most 1 day, got " + DurationText.format(samplingInterval));
    }
    queueSize = queueSize == null ? DEFAULT_QUEUE_SIZE : queueSize;
    if (queueSize < 1 || queueSize > 10_000) {
      throw new IllegalArgumentException(
          "queue_size: must be between 1 and 10000, got " + queueSize);
    }
    writable = writable != null && writable;
  }

  /** A read-only point with the defaults. */
  public static OpcUaPointConfig of(String name, String nodeId, ValueType type) {
    return new OpcUaPointConfig(name, nodeId, type, null, null, null, false);
  }

  /** A writable point with the defaults. */
  public static OpcUaPointConfig writable(String name, String nodeId, ValueType type) {
    return new OpcUaPointConfig(name, nodeId, type, null, null, null, true);
  }
}
