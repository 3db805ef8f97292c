package io.edgerule.adapter.zigbee;

import com.zsmartsystems.zigbee.ZigBeeEndpointAddress;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.zdo.command.ManagementLeaveRequest;
import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.zigbee.internal.CoordinatorMonitor;
import io.edgerule.adapter.zigbee.internal.DeviceSession;
import io.edgerule.adapter.zigbee.internal.PointTable;
import io.edgerule.adapter.zigbee.internal.Values;
import io.edgerule.adapter.zigbee.internal.ZclWrites;
import io.edgerule.adapter.zigbee.internal.ZigbeeStack;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a coordinator's points: checks them (known, writable, a value the point takes) without
 * I/O, then runs them on the blocking pool: {@code permit_join} opens the join window, {@code
 * <device>/leave} asks a device to leave, any other point writes its cluster attribute or command.
 * A write the dongle could not deliver says so.
 */
final class WriteHandler {
  // the adapter's logger: operators and log configs know the adapter by that one name
  private static final Logger log = LoggerFactory.getLogger(ZigbeeCoordinatorAdapter.class);
  private static final long MAX_PERMIT_JOIN_SECONDS = Duration.ofDays(1).toSeconds();

  private final ZigbeeCoordinatorConfig config;
  private final AdapterContext context;
  private final PointTable table;
  private final PointId permitJoinPoint;
  private final LinkState link;
  private final DeviceSync devices;
  private final JoinWindow join;
  private final CoordinatorMonitor monitor;

  WriteHandler(
      ZigbeeCoordinatorConfig config,
      AdapterContext context,
      PointTable table,
      PointId permitJoinPoint,
      LinkState link,
      DeviceSync devices,
      JoinWindow join,
      CoordinatorMonitor monitor) {
    this.config = config;
    this.context = context;
    this.table = table;
    this.permitJoinPoint = permitJoinPoint;
    this.link = link;
    this.devices = devices;
    this.join = join;
    this.monitor = monitor;
  }

  CompletionStage<WriteResult> write(WriteCommand command) {
    PointId id = command.point();
    PointInfo info = table.get(id).orElse(null);
    if (info == null) {
      return done(WriteResult.rejected(command, "unknown point " + id));
    }
    if (!info.writable()) {
      return done(WriteResult.rejected(command, id + " is read-only"));
    }
    ZigbeeStack s = link.stack;
    if (id.equals(permitJoinPoint)) {
      Long seconds = Values.asLong(command.value());
      if (seconds == null || seconds < 0 || seconds > MAX_PERMIT_JOIN_SECONDS) {
        return done(
            WriteResult.rejected(
                command,
                id
                    + " takes whole seconds 0.."
                    + MAX_PERMIT_JOIN_SECONDS
                    + ", got "
                    + command.value()));
      }
      if (s == null || !link.online) {
        return done(WriteResult.timeout(command, link.offlineReason()));
      }
      return async(
          command,
          () ->
              join.open(seconds, command.origin())
                  ? WriteResult.ok(command)
                  : WriteResult.failed(command, "the coordinator refused permit join"));
    }
    DeviceSession session = devices.byName(id.device());
    if (session == null) {
      return done(WriteResult.rejected(command, "unknown device " + id.device()));
    }
    if (s == null || !link.online) {
      return done(WriteResult.timeout(command, link.offlineReason()));
    }
    if (id.equals(session.leavePoint())) {
      if (!Boolean.TRUE.equals(Values.asBool(command.value()))) {
        return done(WriteResult.rejected(command, id + ": write true to make the device leave"));
      }
      return async(command, () -> leave(s, session, command));
    }
    DeviceSession.Binding binding = session.binding(id);
    if (binding == null) {
      return done(WriteResult.rejected(command, "unknown point " + id));
    }
    return async(
        command,
        () -> {
          long mark = monitor.deliveries().mark();
          return session.write(
              command, binding, config.commandTimeout(), () -> undelivered(session, mark));
        });
  }

  /** Why the dongle could not deliver a transmit to {@code session} since {@code mark}, if so. */
  private Optional<String> undelivered(DeviceSession session, long mark) {
    ZigBeeNode node = session.node();
    int nwk = node == null || node.getNetworkAddress() == null ? -1 : node.getNetworkAddress();
    long ieee = Long.parseUnsignedLong(session.ieee().toString(), 16);
    return monitor.deliveries().failureSince(mark, ieee, nwk);
  }

  private WriteResult leave(ZigbeeStack s, DeviceSession session, WriteCommand command) {
    ZigBeeNode node = session.node();
    if (node == null) {
      return WriteResult.rejected(command, session.name() + " is not discovered yet");
    }
    long mark = monitor.deliveries().mark();
    ManagementLeaveRequest request = new ManagementLeaveRequest(session.ieee(), false);
    request.setDestinationAddress(new ZigBeeEndpointAddress(node.getNetworkAddress()));
    request.setSourceAddress(new ZigBeeEndpointAddress(0));
    WriteResult result =
        ZclWrites.outcome(
            command,
            s.manager().sendTransaction(request, request),
            config.commandTimeout(),
            () -> undelivered(session, mark));
    if (result.isOk()) {
      log.info(
          "zigbee {}: {} left the network (asked by {})",
          config.name(),
          session.name(),
          command.origin());
      session.detach();
      session.gone("device left the network (leave requested by " + command.origin() + ")");
      s.manager().removeNode(node);
    }
    return result;
  }

  private CompletionStage<WriteResult> async(WriteCommand command, Supplier<WriteResult> work) {
    try {
      return CompletableFuture.supplyAsync(work, context.blockingIo())
          .exceptionally(e -> WriteResult.failed(command, "write failed: " + e.getCause()));
    } catch (RejectedExecutionException e) {
      return done(WriteResult.failed(command, "the gateway is shutting down"));
    }
  }

  private static CompletionStage<WriteResult> done(WriteResult result) {
    return CompletableFuture.completedFuture(result);
  }
}
