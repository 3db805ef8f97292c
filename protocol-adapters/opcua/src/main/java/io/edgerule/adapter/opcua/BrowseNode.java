package io.edgerule.adapter.opcua;

import java.util.List;

/**
 * One node of the address space as {@link OpcUaBrowser} found it.
 *
 * @param nodeId the NodeId in config form, e.g. {@code ns=2;s=Tank/Temperature}
 * @param browseName the browse name with its namespace index, e.g. {@code 2:Temperature}
 * @param displayName what OPC-UA clients show
 * @param nodeClass Object, Variable, Method, ObjectType, VariableType, ReferenceType, DataType or
 *     View
 * @param dataType for variables: the DataType's name (Double, UInt16, Range, ...), else ""
 * @param writable for variables: whether the browsing user may write the value
 * @param children the nodes below it (empty when not expanded, see {@link #expanded})
 * @param expanded false when the browse stopped here (depth or node limit, or an OPC-UA namespace
 *     node that is listed but not opened)
 */
public record BrowseNode(
    String nodeId,
    String browseName,
    String displayName,
    String nodeClass,
    String dataType,
    boolean writable,
    List<BrowseNode> children,
    boolean expanded) {

  public BrowseNode {
    children = List.copyOf(children);
  }

  /** The number of nodes in this subtree, this one included. */
  public int size() {
    int n = 1;
    for (BrowseNode c : children) {
      n += c.size();
    }
    return n;
  }
}
