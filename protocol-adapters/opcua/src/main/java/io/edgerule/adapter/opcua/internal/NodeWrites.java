package io.edgerule.adapter.opcua.internal;

import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.core.typetree.DataTypeTree;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;

/**
 * Writes of one session: a point's node is asked for its DataType and ValueRank once (on the
 * blocking-I/O executor), the value converted to that type ({@link Variants}) and written. A
 * refusal sticks to the point for the session; a read that timed out is tried again next time.
 */
final class NodeWrites {
  /** What a write needs to know about a node, read once per session. */
  private record WriteTarget(
      NodeId nodeId,
      OpcUaDataType builtin,
      String typeName,
      int valueRank,
      String problem,
      boolean transientProblem) {
    static WriteTarget of(NodeId nodeId, OpcUaDataType builtin, String typeName, int valueRank) {
      return new WriteTarget(nodeId, builtin, typeName, valueRank, null, false);
    }

    static WriteTarget refused(NodeId nodeId, String problem) {
      return new WriteTarget(nodeId, null, "", -1, problem, false);
    }

    static WriteTarget unknownYet(NodeId nodeId, String problem) {
      return new WriteTarget(nodeId, null, "", -1, problem, true);
    }
  }

  private final OpcUaClient client;
  private final String where;
  private final long timeoutMillis;
  private final Map<PointBinding, CompletableFuture<WriteTarget>> targets =
      new ConcurrentHashMap<>();

  NodeWrites(OpcUaClient client, String where, long timeoutMillis) {
    this.client = client;
    this.where = where;
    this.timeoutMillis = timeoutMillis;
  }

  /** Writes a value to the point's node; the stage completes with a result, never exceptionally. */
  CompletionStage<WriteResult> write(
      PointBinding point, NodeId nodeId, WriteCommand command, Executor blockingIo) {
    CompletableFuture<WriteTarget> info =
        targets.computeIfAbsent(
            point, p -> CompletableFuture.supplyAsync(() -> readWriteTarget(nodeId), blockingIo));
    return info.thenCompose(t -> write(t, command))
        .exceptionally(e -> WriteResult.failed(command, Errors.describe(e, where, timeoutMillis)));
  }

  private CompletionStage<WriteResult> write(WriteTarget target, WriteCommand command) {
    if (target.transientProblem()) {
      // A timeout or a lost connection must not stick to the point: read again next time.
      targets.values().removeIf(f -> f.getNow(null) == target);
      return CompletableFuture.completedFuture(WriteResult.timeout(command, target.problem()));
    }
    if (target.problem() != null) {
      return CompletableFuture.completedFuture(WriteResult.rejected(command, target.problem()));
    }
    if (target.valueRank() >= 0) {
      return CompletableFuture.completedFuture(
          WriteResult.rejected(
              command,
              target.nodeId().toParseableString()
                  + " holds an array; writing arrays from rules is not supported"));
    }
    Variant variant;
    try {
      variant = Variants.toVariant(command.value(), target.builtin(), target.typeName());
    } catch (Variants.ConversionException e) {
      return CompletableFuture.completedFuture(WriteResult.rejected(command, e.getMessage()));
    }
    // Milo's transport fails the request with Bad_Timeout after request_timeout (on the wheel
    // timer); no JDK-wide CompletableFuture timeout thread is needed.
    return client
        .writeValuesAsync(List.of(target.nodeId()), List.of(DataValue.valueOnly(variant)))
        .handle(
            (statuses, e) -> {
              if (e != null) {
                long status = Errors.status(e).orElse(0L);
                boolean timedOut =
                    Errors.unwrap(e) instanceof TimeoutException
                        || status == StatusCodes.Bad_Timeout
                        || status == StatusCodes.Bad_RequestTimeout
                        || status == StatusCodes.Bad_SessionClosed
                        || status == StatusCodes.Bad_ConnectionClosed
                        || status == StatusCodes.Bad_SecureChannelClosed;
                String why = Errors.describe(e, where, timeoutMillis);
                return timedOut
                    ? WriteResult.timeout(command, why)
                    : WriteResult.failed(command, why);
              }
              StatusCode s = statuses.get(0);
              if (s.isGood()) {
                return WriteResult.ok(command);
              }
              return WriteResult.failed(
                  command, "the server refused the write: " + Errors.describeStatus(s.value()));
            });
  }

  /** Reads DataType and ValueRank; resolves a non-builtin DataType to the builtin it encodes as. */
  private WriteTarget readWriteTarget(NodeId nodeId) {
    String node = nodeId.toParseableString();
    try {
      ReadResponse response =
          client.read(
              0.0,
              TimestampsToReturn.Neither,
              List.of(
                  new ReadValueId(
                      nodeId, AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE),
                  new ReadValueId(
                      nodeId, AttributeId.ValueRank.uid(), null, QualifiedName.NULL_VALUE)));
      DataValue[] results = response.getResults();
      if (results == null || results.length < 2) {
        return WriteTarget.refused(nodeId, "the server sent no DataType for " + node);
      }
      if (!results[0].statusCode().isGood()) {
        long code = results[0].statusCode().value();
        String why =
            code == StatusCodes.Bad_NodeIdUnknown
                ? "the server has no node " + node
                : code == StatusCodes.Bad_AttributeIdInvalid
                    ? node + " is not a variable"
                    : "cannot read the DataType of " + node + ": " + Errors.describeStatus(code);
        return WriteTarget.refused(nodeId, why);
      }
      NodeId dataType = (NodeId) results[0].value().value();
      Object rank = results[1].value().value();
      int valueRank = rank instanceof Integer r ? r : -1;
      return resolveType(nodeId, dataType, valueRank);
    } catch (Exception e) {
      return WriteTarget.unknownYet(
          nodeId,
          "cannot read the DataType of " + node + ": " + Errors.describe(e, where, timeoutMillis));
    }
  }

  private WriteTarget resolveType(NodeId nodeId, NodeId dataType, int valueRank) throws Exception {
    if (OpcUaDataType.isBuiltin(dataType)) {
      OpcUaDataType t = OpcUaDataType.fromNodeId(dataType);
      return WriteTarget.of(nodeId, t, t.name(), valueRank);
    }
    if (dataType.getNamespaceIndex().intValue() == 0
        && dataType.getIdentifier() instanceof Number n) {
      switch (n.intValue()) {
        case 26: // Number
          return WriteTarget.of(nodeId, OpcUaDataType.Double, "Number", valueRank);
        case 27: // Integer
          return WriteTarget.of(nodeId, OpcUaDataType.Int64, "Integer", valueRank);
        case 28: // UInteger
          return WriteTarget.of(nodeId, OpcUaDataType.UInt64, "UInteger", valueRank);
        case 29: // Enumeration
          return WriteTarget.of(nodeId, OpcUaDataType.Int32, "Enumeration", valueRank);
        default:
          break;
      }
    }
    DataTypeTree tree = client.getDataTypeTree();
    String name =
        Optional.ofNullable(tree.getDataType(dataType))
            .map(d -> d.getBrowseName().name())
            .orElse(dataType.toParseableString());
    if (tree.isEnumType(dataType)) {
      return WriteTarget.of(nodeId, OpcUaDataType.Int32, name, valueRank);
    }
    if (tree.isStructType(dataType)) {
      return WriteTarget.refused(
          nodeId,
          "writing the "
              + name
              + " structure of "
              + nodeId.toParseableString()
              + " from rules is not supported");
    }
    OpcUaDataType builtin = tree.getBuiltinType(dataType);
    return WriteTarget.of(nodeId, builtin, name, valueRank);
  }
}
