package io.edgerule.adapter.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.opcua.OpcUaDeadband;
import io.edgerule.adapter.opcua.OpcUaDeviceConfig;
import io.edgerule.adapter.opcua.SecurityPolicyName;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.sdk.client.typetree.DataTypeTreeFactory;
import org.eclipse.milo.opcua.sdk.core.typetree.DataTypeTree;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.Stack;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One established OPC-UA session with its subscription: opened (blocking, bounded by the request
 * timeout) by {@link #open}, and thrown away when it is lost. The adapter's supervisor makes a new
 * one with backoff, so every reconnect re-creates the session and the subscription from scratch
 * (the server sends every item's current value again, which is how points become GOOD again).
 * Milo's own reconnect machinery is stopped as soon as the session drops, so there is one reconnect
 * policy: the configured one.
 */
public final class Connection implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** What the connection tells its owner. Called from Milo's threads. */
  public interface Events {
    void onData(Connection connection, PointBinding point, DataValue value);

    void onItemProblem(Connection connection, PointBinding point, String reason);

    void onLost(Connection connection, String reason);

    /** For one-shot uses (browsing) that subscribe to nothing. */
    Events IGNORE =
        new Events() {
          @Override
          public void onData(Connection c, PointBinding p, DataValue v) {}

          @Override
          public void onItemProblem(Connection c, PointBinding p, String reason) {}

          @Override
          public void onLost(Connection c, String reason) {}
        };
  }

  /** A connection attempt failed; the message is meant for the operator. */
  public static final class ConnectException extends Exception {
    public ConnectException(String message) {
      super(message);
    }
  }

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

  private final OpcUaDeviceConfig config;
  private final OpcUaClient client;
  private final Events events;
  private final String where;
  private final long timeoutMillis;
  private final Map<PointBinding, NodeId> resolved = new ConcurrentHashMap<>();
  private final Map<PointBinding, CompletableFuture<WriteTarget>> writeTargets =
      new ConcurrentHashMap<>();
  private final AtomicBoolean lost = new AtomicBoolean();
  private volatile OpcUaSubscription subscription;

  private Connection(OpcUaDeviceConfig config, OpcUaClient client, Events events) {
    this.config = config;
    this.client = client;
    this.events = events;
    this.where = config.host() + ":" + config.port();
    this.timeoutMillis = config.requestTimeout().toMillis();
  }

  /**
   * Discovers the server's endpoints, selects the configured one and opens a session. Blocks for at
   * most a few request timeouts.
   *
   * @throws ConnectException with a sentence that says what is wrong and what to do
   */
  public static Connection open(
      OpcUaDeviceConfig config,
      ApplicationCertificate own,
      ServerCertificateValidator validator,
      MiloResources resources,
      Events events)
      throws ConnectException, InterruptedException {
    String where = config.host() + ":" + config.port();
    Duration timeout = config.requestTimeout();
    List<EndpointDescription> endpoints = discover(config, resources);
    EndpointDescription endpoint;
    try {
      endpoint =
          Endpoints.select(
              endpoints, config.securityPolicy(), config.securityMode(), config.identity().type());
    } catch (Endpoints.NoMatchingEndpoint e) {
      throw new ConnectException(e.getMessage());
    }
    endpoint = Endpoints.withAddress(endpoint, config.host(), config.port());

    IdentityProvider identity;
    try {
      identity = Identities.provider(config.identity(), validator);
    } catch (Identities.IdentityFileException e) {
      throw new ConnectException(e.getMessage());
    }

    long keepAlive = Math.max(1000, Math.min(5000, timeout.toMillis()));
    OpcUaClientConfig clientConfig =
        OpcUaClientConfig.builder()
            .setEndpoint(endpoint)
            .setApplicationName(LocalizedText.english("edgerule gateway"))
            .setApplicationUri(own.applicationUri())
            .setProductUri("urn:edgerule:gateway")
            .setKeyPair(own.keyPair())
            .setCertificate(own.certificate())
            .setCertificateChain(new X509Certificate[] {own.certificate()})
            .setCertificateValidator(validator)
            .setIdentityProvider(identity)
            .setSessionName(() -> "edgerule " + config.name())
            .setRequestTimeout(uint(timeout.toMillis()))
            .setKeepAliveInterval(uint(keepAlive))
            .setKeepAliveTimeout(uint(timeout.toMillis()))
            .setKeepAliveFailuresAllowed(uint(1))
            .build();
    OpcTcpClientTransportConfigBuilder transport = OpcTcpClientTransportConfig.newBuilder();
    resources.configure(transport, timeout);
    OpcUaClient client =
        new OpcUaClient(clientConfig, new OpcTcpClientTransport(transport.build()));
    // Non-builtin DataTypes are looked up only when a write needs one, not browsed at connect.
    client.setDataTypeTreeFactory(DataTypeTreeFactory.lazy());

    validator.clearLastProblem();
    try {
      client.connectAsync().get(4 * timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      disconnectQuietly(client);
      throw new ConnectException(connectProblem(e, config, own, validator, where));
    } catch (InterruptedException e) {
      disconnectQuietly(client);
      throw e;
    }
    return new Connection(config, client, events);
  }

  private static List<EndpointDescription> discover(
      OpcUaDeviceConfig config, MiloResources resources)
      throws ConnectException, InterruptedException {
    String where = config.host() + ":" + config.port();
    EndpointDescription discoveryEndpoint =
        new EndpointDescription(
            config.endpoint(),
            null,
            null,
            MessageSecurityMode.None,
            SecurityPolicyName.NONE.uri(),
            null,
            Stack.TCP_UASC_UABINARY_TRANSPORT_URI,
            org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte(0));
    OpcTcpClientTransportConfigBuilder builder = OpcTcpClientTransportConfig.newBuilder();
    resources.configure(builder, config.requestTimeout());
    OpcTcpClientTransport transport = new OpcTcpClientTransport(builder.build());
    DiscoveryClient discovery = new DiscoveryClient(discoveryEndpoint, transport);
    try {
      return discovery
          .connectAsync()
          .thenCompose(c -> c.getEndpoints(config.endpoint(), new String[0], new String[0]))
          .thenApply(
              r ->
                  r.getEndpoints() == null
                      ? List.<EndpointDescription>of()
                      : List.of(r.getEndpoints()))
          .get(2 * config.requestTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new ConnectException(
          "cannot get the endpoint list: "
              + Errors.describe(e, where, config.requestTimeout().toMillis()));
    } finally {
      try {
        discovery.disconnectAsync().get(1, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.debug("discovery disconnect: {}", e.toString());
      }
    }
  }

  private static String connectProblem(
      Exception e,
      OpcUaDeviceConfig config,
      ApplicationCertificate own,
      ServerCertificateValidator validator,
      String where) {
    String ours = validator.lastProblem();
    if (ours != null) {
      return ours;
    }
    long status = Errors.status(e).orElse(0L);
    if (status == StatusCodes.Bad_SecurityChecksFailed
        || status == StatusCodes.Bad_CertificateUntrusted
        || status == StatusCodes.Bad_CertificateInvalid
        || status == StatusCodes.Bad_CertificateUriInvalid
        || status == StatusCodes.Bad_CertificateUseNotAllowed) {
      return "the server refused the gateway's certificate ("
          + Errors.statusName(status)
          + "): it probably does not trust it yet. Trust "
          + own.info().describe()
          + " on the server (the file is "
          + own.certificateFile()
          + ")";
    }
    if (status == StatusCodes.Bad_IdentityTokenRejected
        || status == StatusCodes.Bad_IdentityTokenInvalid
        || status == StatusCodes.Bad_UserAccessDenied
        || status == StatusCodes.Bad_UserSignatureInvalid) {
      return "the server refused the user identity ("
          + config.identity()
          + "): "
          + Errors.describeStatus(status);
    }
    return "cannot open a session: "
        + Errors.describe(e, where, config.requestTimeout().toMillis());
  }

  /**
   * Watches the session, resolves the NodeIds and creates the subscription with one monitored item
   * per point. Items the server refuses are reported through {@link Events#onItemProblem}; the
   * others run.
   */
  public void subscribe(List<PointBinding> points) throws ConnectException {
    client.addSessionActivityListener(
        new SessionActivityListener() {
          @Override
          public void onSessionInactive(UaSession session) {
            reportLost("the connection to " + where + " was lost; reconnecting");
          }
        });

    OpcUaSubscription sub =
        new OpcUaSubscription(client, (double) config.publishingInterval().toMillis());
    sub.setTargetKeepAliveInterval(Math.max(5000, config.publishingInterval().toMillis()));
    sub.setSubscriptionListener(
        new OpcUaSubscription.SubscriptionListener() {
          @Override
          public void onDataReceived(
              OpcUaSubscription s, List<OpcUaMonitoredItem> items, List<DataValue> values) {
            for (int i = 0; i < items.size(); i++) {
              Object binding = items.get(i).getUserObject().orElse(null);
              if (binding instanceof PointBinding p) {
                events.onData(Connection.this, p, values.get(i));
              }
            }
          }

          @Override
          public void onWatchdogTimerElapsed(OpcUaSubscription s) {
            reportLost(
                "no data or keep-alive from "
                    + where
                    + " in time (subscription watchdog); reconnecting");
          }

          @Override
          public void onStatusChanged(OpcUaSubscription s, StatusCode status) {
            if (status.isBad()) {
              reportLost(
                  "the server ended the subscription (" + Errors.statusName(status.value()) + ")");
            }
          }

          @Override
          public void onTransferFailed(OpcUaSubscription s, StatusCode status) {
            reportLost("the subscription was lost (" + Errors.statusName(status.value()) + ")");
          }
        });
    try {
      sub.create();
    } catch (Exception e) {
      throw new ConnectException(
          "cannot create the subscription: " + Errors.describe(e, where, timeoutMillis));
    }
    subscription = sub;

    List<OpcUaMonitoredItem> items = new ArrayList<>();
    for (PointBinding p : points) {
      Optional<NodeId> nodeId = NodeIdText.resolve(p.nodeId(), client.getNamespaceTable());
      if (nodeId.isEmpty()) {
        events.onItemProblem(
            this,
            p,
            "the server has no namespace "
                + p.nodeId().getNamespaceUri()
                + " (node "
                + p.config().nodeId()
                + ")");
        continue;
      }
      resolved.put(p, nodeId.get());
      OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(nodeId.get());
      Duration sampling = p.config().samplingInterval();
      item.setSamplingInterval(
          (double) (sampling == null ? config.publishingInterval() : sampling).toMillis());
      item.setQueueSize(uint(p.config().queueSize()));
      item.setDiscardOldest(true);
      OpcUaDeadband deadband = p.config().deadband();
      if (deadband != null) {
        DeadbandType type =
            deadband.type() == OpcUaDeadband.Type.ABSOLUTE
                ? DeadbandType.Absolute
                : DeadbandType.Percent;
        item.setFilter(
            new DataChangeFilter(
                DataChangeTrigger.StatusValue, uint(type.getValue()), deadband.value()));
      }
      item.setUserObject(p);
      items.add(item);
    }
    if (items.isEmpty()) {
      return;
    }
    sub.addMonitoredItems(items);
    for (MonitoredItemServiceOperationResult r : sub.createMonitoredItems()) {
      if (r.isGood()) {
        continue;
      }
      PointBinding p = (PointBinding) r.monitoredItem().getUserObject().orElseThrow();
      long code = r.operationResult().orElse(r.serviceResult()).value();
      if (!r.serviceResult().isGood()) {
        throw new ConnectException(
            "cannot create monitored items: " + Errors.describeStatus(r.serviceResult().value()));
      }
      events.onItemProblem(this, p, itemProblem(code, p));
    }
  }

  private static String itemProblem(long code, PointBinding p) {
    String node = p.config().nodeId();
    String name = Errors.statusName(code);
    if (code == StatusCodes.Bad_NodeIdUnknown || code == StatusCodes.Bad_NodeIdInvalid) {
      return name + ": the server has no node " + node;
    }
    if (code == StatusCodes.Bad_AttributeIdInvalid) {
      return name + ": " + node + " is not a variable (it has no value)";
    }
    if (code == StatusCodes.Bad_MonitoredItemFilterUnsupported
        || code == StatusCodes.Bad_DeadbandFilterInvalid
        || code == StatusCodes.Bad_FilterNotAllowed) {
      return name
          + ": the server refuses the deadband of "
          + node
          + " (a percent deadband needs an AnalogItem with an EURange)";
    }
    if (code == StatusCodes.Bad_UserAccessDenied || code == StatusCodes.Bad_NotReadable) {
      return name + ": the user may not read " + node;
    }
    return Errors.describeStatus(code) + " for " + node;
  }

  private void reportLost(String reason) {
    if (lost.compareAndSet(false, true)) {
      events.onLost(this, reason);
    }
  }

  /** The Milo client of this session, for browsing. */
  public OpcUaClient client() {
    return client;
  }

  public boolean isLost() {
    return lost.get();
  }

  /** Writes a value, converted to the node's DataType (read from the server once). */
  public CompletionStage<WriteResult> write(
      PointBinding point, WriteCommand command, java.util.concurrent.Executor blockingIo) {
    NodeId nodeId = resolved.get(point);
    if (nodeId == null) {
      Optional<NodeId> n = NodeIdText.resolve(point.nodeId(), client.getNamespaceTable());
      if (n.isEmpty()) {
        return CompletableFuture.completedFuture(
            WriteResult.rejected(
                command, "the server has no namespace " + point.nodeId().getNamespaceUri()));
      }
      nodeId = n.get();
    }
    NodeId target = nodeId;
    CompletableFuture<WriteTarget> info =
        writeTargets.computeIfAbsent(
            point, p -> CompletableFuture.supplyAsync(() -> readWriteTarget(target), blockingIo));
    return info.thenCompose(t -> write(t, command))
        .exceptionally(e -> WriteResult.failed(command, Errors.describe(e, where, timeoutMillis)));
  }

  private CompletionStage<WriteResult> write(WriteTarget target, WriteCommand command) {
    if (target.transientProblem()) {
      // A timeout or a lost connection must not stick to the point: read again next time.
      writeTargets.values().removeIf(f -> f.getNow(null) == target);
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

  /** Closes the session (best effort, bounded) and stops Milo's reconnect machinery. */
  @Override
  public void close() {
    lost.set(true);
    disconnectQuietly(client);
  }

  private static void disconnectQuietly(OpcUaClient client) {
    try {
      client.disconnectAsync().get(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.debug("disconnect: {}", e.toString());
    }
  }
}
