package io.edgerule.daemon.namespace.sparkplug;

import java.util.List;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Topic;

/**
 * The Sparkplug B topics of one edge node: {@code spBv1.0/<group>/<type>/<edge node>[/<device>]},
 * formatted by Tahu's {@link Topic}.
 */
record SparkplugTopics(String groupId, String edgeNodeId) {
  static final String NAMESPACE = "spBv1.0";

  String node(MessageType type) {
    return new Topic(NAMESPACE, groupId, edgeNodeId, type).toString();
  }

  String device(MessageType type, String device) {
    return new Topic(NAMESPACE, groupId, edgeNodeId, device, type).toString();
  }

  /** NCMD for the node and DCMD for any of its devices. */
  List<String> commandFilters() {
    return List.of(node(MessageType.NCMD), device(MessageType.DCMD, "+"));
  }
}
