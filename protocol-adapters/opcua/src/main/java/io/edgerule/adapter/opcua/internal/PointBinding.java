package io.edgerule.adapter.opcua.internal;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.opcua.OpcUaPointConfig;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;

/** A configured point: its gateway id, its config and its parsed NodeId. */
public record PointBinding(PointId id, OpcUaPointConfig config, ExpandedNodeId nodeId) {
  public static PointBinding of(String device, OpcUaPointConfig config) {
    return new PointBinding(
        new PointId(device, config.name()), config, NodeIdText.parse(config.nodeId()));
  }
}
