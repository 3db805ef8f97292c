package io.edgerule.adapter.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.opcua.OpcUaDeadband;
import io.edgerule.adapter.opcua.OpcUaDeviceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.subscriptions.MonitoredItemServiceOperationResult;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;

/**
 * One established OPC-UA session with its subscription: opened (blocking, bounded by the request
 * timeout) by {@link #open}, and thrown away when it is lost. The adapter's supervisor makes a new
 * one with backoff, so every reconnect re-creates the session and the subscription from scratch
 * (the server sends every item's current value again, which is how points become GOOD again).
 * Milo's own reconnect machinery is stopped as soon as the session drops, so there is one reconnect
 * policy: the configured one. The session is opened by {@link SessionOpener}; writes go through
 * {@link NodeWrites}.
 */
public final class Connection implements AutoCloseable {
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

  private final OpcUaDeviceConfig config;
  private final OpcUaClient client;
  private final Events events;
  private final String where;
  private final long timeoutMillis;
  private final Map<PointBinding, NodeId> resolved = new ConcurrentHashMap<>();
  private final NodeWrites writes;
  private final AtomicBoolean lost = new AtomicBoolean();
  private volatile OpcUaSubscription subscription;

  private Connection(OpcUaDeviceConfig config, OpcUaClient client, Events events) {
    this.config = config;
    this.client = client;
    this.events = events;
    this.where = config.host() + ":" + config.port();
    this.timeoutMillis = config.requestTimeout().toMillis();
    this.writes = new NodeWrites(client, where, timeoutMillis);
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
    return new Connection(config, SessionOpener.open(config, own, validator, resources), events);
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
      PointBinding point, WriteCommand command, Executor blockingIo) {
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
    return writes.write(point, nodeId, command, blockingIo);
  }

  /** Closes the session (best effort, bounded) and stops Milo's reconnect machinery. */
  @Override
  public void close() {
    lost.set(true);
    SessionOpener.disconnectQuietly(client);
  }
}
