package io.edgerule.sim.zigbee;

import java.util.LinkedHashMap;
import java.util.Map;

/** A server (input) cluster of a virtual device: its attributes by id. */
final class SimCluster {
  final int id;
  final Map<Integer, SimAttribute> attributes = new LinkedHashMap<>();

  SimCluster(int id) {
    this.id = id;
  }

  SimCluster attribute(int attributeId, ZclType type, Object value) {
    attributes.put(attributeId, new SimAttribute(attributeId, type, value, false));
    return this;
  }

  SimCluster writable(int attributeId, ZclType type, Object value) {
    attributes.put(attributeId, new SimAttribute(attributeId, type, value, true));
    return this;
  }

  SimAttribute get(int attributeId) {
    return attributes.get(attributeId);
  }
}
