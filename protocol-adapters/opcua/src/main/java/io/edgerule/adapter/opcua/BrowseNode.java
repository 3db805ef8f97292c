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
 * @param array for variables: whether the value is an array (ValueRank 0 or more)
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
    boolean array,
    boolean writable,
    List<BrowseNode> children,
    boolean expanded) {

  public BrowseNode {
    children = List.copyOf(children);
  }

  /**
   * The point type a config should give this variable: bool, int64, float64, string (also for
   * arrays and text-like types) or bytes (ByteString and structures); "" for non-variables.
   */
  public String suggestedPointType() {
    if (!nodeClass.equals("Variable")) {
      return "";
    }
    if (array) {
      return "string";
    }
    return switch (dataType) {
      case "Boolean" -> "bool";
      case "SByte", "Byte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64" -> "int64";
      case "Float", "Double", "Duration", "Number" -> "float64";
      case "ByteString", "Image", "ImageBMP", "ImageGIF", "ImageJPG", "ImagePNG" -> "bytes";
      case "String",
              "LocalizedText",
              "QualifiedName",
              "NodeId",
              "ExpandedNodeId",
              "DateTime",
              "UtcTime",
              "Guid",
              "XmlElement",
              "StatusCode",
              "LocaleId" ->
          "string";
      default -> dataType.endsWith("Enumeration") || dataType.endsWith("Enum") ? "int64" : "bytes";
    };
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
