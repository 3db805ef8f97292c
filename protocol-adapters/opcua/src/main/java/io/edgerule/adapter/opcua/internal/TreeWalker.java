package io.edgerule.adapter.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.edgerule.adapter.opcua.BrowseNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.eclipse.milo.opcua.sdk.client.BrowseHelper;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

/**
 * Walks the hierarchy below a node (forward hierarchical references), reading each level's
 * DataTypes and access levels in one request per level. Bounded by depth and node count.
 */
public final class TreeWalker {
  /** The walk could not start (unknown node, lost session); the message says why. */
  public static final class WalkException extends Exception {
    public WalkException(String message) {
      super(message);
    }
  }

  private record Found(NodeId id, String browseName, String displayName, NodeClass nodeClass) {}

  private final OpcUaClient client;
  private final int maxDepth;
  private final int maxNodes;
  private final Set<NodeId> visited = new HashSet<>();
  private final Map<NodeId, String> typeNames = new HashMap<>();
  private int count;

  public TreeWalker(OpcUaClient client, int maxDepth, int maxNodes) {
    this.client = client;
    this.maxDepth = maxDepth;
    this.maxNodes = maxNodes;
  }

  public BrowseNode walk(NodeId root) throws WalkException, InterruptedException {
    try {
      List<DataValue> attrs =
          read(
              List.of(
                  rv(root, AttributeId.BrowseName),
                  rv(root, AttributeId.DisplayName),
                  rv(root, AttributeId.NodeClass)));
      if (!attrs.get(0).statusCode().isGood()) {
        long code = attrs.get(0).statusCode().value();
        throw new WalkException(
            code == StatusCodes.Bad_NodeIdUnknown
                ? "the server has no node " + root.toParseableString()
                : "cannot read " + root.toParseableString() + ": " + Errors.describeStatus(code));
      }
      QualifiedName bn = (QualifiedName) attrs.get(0).value().value();
      LocalizedText dn = (LocalizedText) attrs.get(1).value().value();
      Object nc = attrs.get(2).value().value();
      NodeClass nodeClass = nc instanceof Integer i ? NodeClass.from(i) : NodeClass.Unspecified;
      Found found =
          new Found(
              root, browseName(bn), dn == null || dn.text() == null ? "" : dn.text(), nodeClass);
      count = 1;
      visited.add(root);
      Map<NodeId, VariableInfo> info = variableInfo(List.of(found));
      return expand(found, info.get(root), 0);
    } catch (UaException | ExecutionException e) {
      throw new WalkException("browse failed: " + Errors.describe(e, "the server", 0));
    }
  }

  private record VariableInfo(String dataType, boolean array, boolean writable) {}

  private BrowseNode expand(Found node, VariableInfo info, int depth)
      throws UaException, ExecutionException, InterruptedException {
    String dataType = info == null ? "" : info.dataType();
    boolean array = info != null && info.array();
    boolean writable = info != null && info.writable();
    boolean open =
        depth < maxDepth
            && count < maxNodes
            && (depth == 0 || node.id().getNamespaceIndex().intValue() != 0);
    if (!open) {
      return leaf(node, dataType, array, writable);
    }
    List<Found> children = children(node.id());
    List<Found> fresh = new ArrayList<>();
    boolean truncated = false;
    for (Found c : children) {
      if (count >= maxNodes) {
        truncated = true;
        break;
      }
      if (visited.add(c.id())) {
        fresh.add(c);
        count++;
      }
    }
    Map<NodeId, VariableInfo> infos = variableInfo(fresh);
    List<BrowseNode> out = new ArrayList<>();
    for (Found c : fresh) {
      out.add(expand(c, infos.get(c.id()), depth + 1));
    }
    return new BrowseNode(
        NodeIdText.format(node.id()),
        node.browseName(),
        node.displayName(),
        node.nodeClass().name(),
        dataType,
        array,
        writable,
        out,
        !truncated);
  }

  private static BrowseNode leaf(Found node, String dataType, boolean array, boolean writable) {
    return new BrowseNode(
        NodeIdText.format(node.id()),
        node.browseName(),
        node.displayName(),
        node.nodeClass().name(),
        dataType,
        array,
        writable,
        List.of(),
        false);
  }

  private List<Found> children(NodeId parent) throws ExecutionException, InterruptedException {
    BrowseDescription description =
        new BrowseDescription(
            parent,
            BrowseDirection.Forward,
            NodeIds.HierarchicalReferences,
            true,
            uint(0),
            uint(BrowseResultMask.All.getValue()));
    List<ReferenceDescription> refs = BrowseHelper.browse(client, description, uint(0)).get();
    List<Found> out = new ArrayList<>();
    for (ReferenceDescription r : refs) {
      Optional<NodeId> id = r.getNodeId().toNodeId(client.getNamespaceTable());
      if (id.isEmpty()) {
        continue; // a node on another server
      }
      LocalizedText dn = r.getDisplayName();
      out.add(
          new Found(
              id.get(),
              browseName(r.getBrowseName()),
              dn == null || dn.text() == null ? "" : dn.text(),
              r.getNodeClass()));
    }
    return out;
  }

  /** DataType names and write access of the variables among {@code nodes}, in one read. */
  private Map<NodeId, VariableInfo> variableInfo(List<Found> nodes)
      throws UaException, InterruptedException, ExecutionException {
    List<Found> variables =
        nodes.stream().filter(n -> n.nodeClass() == NodeClass.Variable).toList();
    Map<NodeId, VariableInfo> out = new HashMap<>();
    if (variables.isEmpty()) {
      return out;
    }
    List<ReadValueId> ids = new ArrayList<>();
    for (Found v : variables) {
      ids.add(rv(v.id(), AttributeId.DataType));
      ids.add(rv(v.id(), AttributeId.UserAccessLevel));
      ids.add(rv(v.id(), AttributeId.ValueRank));
    }
    List<DataValue> values = read(ids);
    List<NodeId> unknownTypes = new ArrayList<>();
    for (int i = 0; i < variables.size(); i++) {
      Object t = values.get(3 * i).value().value();
      if (t instanceof NodeId typeId
          && !OpcUaDataType.isBuiltin(typeId)
          && !typeNames.containsKey(typeId)
          && !unknownTypes.contains(typeId)) {
        unknownTypes.add(typeId);
      }
    }
    if (!unknownTypes.isEmpty()) {
      List<DataValue> names =
          read(unknownTypes.stream().map(t -> rv(t, AttributeId.BrowseName)).toList());
      for (int i = 0; i < unknownTypes.size(); i++) {
        Object n = names.get(i).value().value();
        typeNames.put(
            unknownTypes.get(i),
            n instanceof QualifiedName q && q.name() != null
                ? q.name()
                : unknownTypes.get(i).toParseableString());
      }
    }
    for (int i = 0; i < variables.size(); i++) {
      Object t = values.get(3 * i).value().value();
      String type =
          t instanceof NodeId typeId
              ? OpcUaDataType.isBuiltin(typeId)
                  ? OpcUaDataType.fromNodeId(typeId).name()
                  : typeNames.get(typeId)
              : "";
      Object access = values.get(3 * i + 1).value().value();
      boolean writable = access instanceof UByte b && (b.intValue() & 0x02) != 0;
      Object rank = values.get(3 * i + 2).value().value();
      boolean array = rank instanceof Integer r && r >= 0;
      out.put(variables.get(i).id(), new VariableInfo(type, array, writable));
    }
    return out;
  }

  private List<DataValue> read(List<ReadValueId> ids) throws UaException {
    DataValue[] results = client.read(0.0, TimestampsToReturn.Neither, ids).getResults();
    return results == null ? List.of() : List.of(results);
  }

  private static ReadValueId rv(NodeId id, AttributeId attribute) {
    return new ReadValueId(id, attribute.uid(), null, QualifiedName.NULL_VALUE);
  }

  private static String browseName(QualifiedName q) {
    if (q == null || q.name() == null) {
      return "";
    }
    return q.namespaceIndex().intValue() == 0 ? q.name() : q.namespaceIndex() + ":" + q.name();
  }
}
