package io.edgerule.adapter.zigbee;

import static io.edgerule.adapter.zigbee.JoinWindow.cancel;

import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNetworkState;
import com.zsmartsystems.zigbee.ZigBeeNetworkStateListener;
import com.zsmartsystems.zigbee.ZigBeeNode;
import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.zigbee.internal.CoordinatorMonitor;
import io.edgerule.adapter.zigbee.internal.FileNetworkDataStore;
import io.edgerule.adapter.zigbee.internal.NetworkIdentity;
import io.edgerule.adapter.zigbee.internal.PointTable;
import io.edgerule.adapter.zigbee.internal.ZigbeeStack;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of the link to the coordinator dongle: brings the stack up (retrying with backoff while
 * the dongle is absent), follows what the dongle and the library say about the network (reset,
 * started again, OFFLINE), throws the stack away and brings it up anew when the line is lost, and
 * shuts it down. The only writer of {@link LinkState}; publishes {@code <name>/online}.
 */
final class CoordinatorLink {
  // the adapter's logger: operators and log configs know the adapter by that one name
  private static final Logger log = LoggerFactory.getLogger(ZigbeeCoordinatorAdapter.class);

  private final ZigbeeCoordinatorConfig config;
  private final AdapterContext context;
  private final Path stateDirectory;
  private final FileNetworkDataStore store;
  private final PointTable table;
  private final PointId onlinePoint;
  private final PointId permitJoinPoint;
  private final LinkState link;
  private final DeviceSync devices;
  private final Housekeeping housekeeping;
  private final JoinWindow join;
  private final CoordinatorMonitor monitor;
  private final Backoff backoff = Backoff.DEFAULT;
  private final AtomicLong bringUpFailures = new AtomicLong();
  private final Object lifecycle = new Object();
  private final Object onlineLock = new Object();
  private Boolean onlinePublished; // guarded by onlineLock
  private String lastLogged = ""; // the bring-up failure last logged at WARN; guarded by lifecycle
  private int attempt; // guarded by lifecycle
  private ScheduledFuture<?> retry; // guarded by lifecycle
  private ScheduledFuture<?> housekeepingRun; // guarded by lifecycle

  CoordinatorLink(
      ZigbeeCoordinatorConfig config,
      AdapterContext context,
      Path stateDirectory,
      FileNetworkDataStore store,
      PointTable table,
      PointId onlinePoint,
      PointId permitJoinPoint,
      LinkState link,
      DeviceSync devices,
      Housekeeping housekeeping,
      JoinWindow join) {
    this.config = config;
    this.context = context;
    this.stateDirectory = stateDirectory;
    this.store = store;
    this.table = table;
    this.onlinePoint = onlinePoint;
    this.permitJoinPoint = permitJoinPoint;
    this.link = link;
    this.devices = devices;
    this.housekeeping = housekeeping;
    this.join = join;
    this.monitor = new CoordinatorMonitor(config.name(), new MonitorListener(), context.metrics());
  }

  /** What the dongle's frames told so far: delivery failures, resets, counters. */
  CoordinatorMonitor monitor() {
    return monitor;
  }

  long bringUpFailures() {
    return bringUpFailures.get();
  }

  /**
   * Starts bringing the network up; the stage completes when the first attempt has finished, up or
   * not (a missing dongle is retried with backoff and reported BAD, never a failed start).
   */
  CompletionStage<Void> start(EventSink sink) {
    CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    synchronized (lifecycle) {
      if (link.started || link.closed) {
        firstAttempt.complete(null);
        return firstAttempt;
      }
      link.started = true;
      table.setSink(sink);
    }
    context
        .blockingIo()
        .execute(
            () -> {
              try {
                bringUp();
              } finally {
                firstAttempt.complete(null);
              }
            });
    return firstAttempt;
  }

  private void bringUp() {
    ZigbeeStack s;
    synchronized (lifecycle) {
      if (link.closed || link.stack != null) {
        return;
      }
      StateListener states = new StateListener();
      DeviceSync.NodeListener nodes = devices.nodeListener();
      s =
          new ZigbeeStack(
              config,
              context.threadFactory(),
              monitor,
              store,
              nodes,
              states,
              devices::heard,
              devices::announced);
      states.owner = s;
      nodes.owner = s;
      link.starting = s;
      link.bringingUp = true;
    }
    try {
      s.start();
    } catch (ZigbeeStack.BringUpException | RuntimeException e) {
      String reason =
          e instanceof ZigbeeStack.BringUpException ? e.getMessage() : "unexpected error: " + e;
      failBringUp(s, reason);
      return;
    } finally {
      link.bringingUp = false;
    }
    synchronized (lifecycle) {
      link.starting = null;
      if (link.closed) {
        s.shutdown();
        return;
      }
      link.stack = s;
      if (!lastLogged.isEmpty()) {
        log.info(
            "zigbee {}: the coordinator is back on {} after {} failed attempt(s) (last: {})",
            config.name(),
            s.describePort(),
            attempt,
            link.lastError);
      }
      attempt = 0;
      lastLogged = "";
      link.online = true;
      link.lastError = "";
      housekeepingRun = housekeeping.schedule();
    }
    checkNetworkIdentity(s.manager());
    // The library tells node listeners about the nodes it restored only later, from its own
    // thread pool: attach them now, so that "online" means a stored device can be written to.
    for (ZigBeeNode node : s.manager().getNodes()) {
      devices.onNode(node);
    }
    publishOnline(true);
    table.good(permitJoinPoint, PointValue.of(0L), context.clock().instant());
    if (!config.permitJoin().isZero()) {
      join.open(config.permitJoin().toSeconds(), "config permit_join");
    }
  }

  private void failBringUp(ZigbeeStack s, String reason) {
    s.shutdown();
    synchronized (lifecycle) {
      link.starting = null;
      if (link.closed) {
        return;
      }
      link.lastError = reason;
      bringUpFailures.incrementAndGet();
      Duration delay = backoff.delay(attempt++);
      if (reason.equals(lastLogged)) { // once per reason, not at every retry
        log.debug(
            "zigbee {}: {}; retry {} in {} ms", config.name(), reason, attempt, delay.toMillis());
      } else {
        log.warn("zigbee {}: {}; retrying with backoff", config.name(), reason);
        lastLogged = reason;
      }
      publishOnline(false);
      devices.allGone("coordinator offline: " + reason);
      retry =
          context
              .scheduler()
              .schedule(
                  () -> link.runBlocking(this::bringUp), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void checkNetworkIdentity(ZigBeeNetworkManager manager) {
    NetworkIdentity now =
        new NetworkIdentity(
            String.valueOf(manager.getLocalIeeeAddress()),
            manager.getZigBeePanId(),
            String.valueOf(manager.getZigBeeExtendedPanId()),
            manager.getZigBeeChannel().getChannel());
    NetworkIdentity before = NetworkIdentity.load(stateDirectory).orElse(null);
    if (before == null) {
      log.info("zigbee {}: network formed: {}", config.name(), now);
    } else if (before.sameNetworkAs(now)) {
      log.info(
          "zigbee {}: network resumed: {}; {} device(s) known", config.name(), now, devices.size());
    } else {
      link.lastError = "the coordinator is on another network than before (" + before + ")";
      log.error(
          "zigbee {}: the coordinator is on a different network ({}) than before ({}): devices"
              + " paired before must be paired again",
          config.name(),
          now,
          before);
    }
    try {
      now.store(stateDirectory);
    } catch (IOException e) {
      log.error("zigbee {}: cannot store the network identity: {}", config.name(), e.toString());
    }
  }

  /**
   * Publishes {@code <name>/online} when it changes: the bring-up and the library's own state
   * notification (which arrives from its pool a moment later) must not both say "online".
   */
  private void publishOnline(boolean value) {
    synchronized (onlineLock) {
      if (onlinePublished != null && onlinePublished == value) {
        return;
      }
      onlinePublished = value;
      table.good(onlinePoint, PointValue.of(value), context.clock().instant());
    }
  }

  /** Stops the network: the library's threads, the port, our timers. Idempotent. */
  void close() {
    ZigbeeStack s;
    ZigbeeStack pending;
    synchronized (lifecycle) {
      if (link.closed) {
        return;
      }
      link.closed = true;
      cancel(retry);
      cancel(housekeepingRun);
      s = link.stack;
      pending = link.starting;
      link.stack = null;
      link.starting = null;
      link.online = false;
    }
    join.cancelTimers();
    devices.detachAll();
    if (pending != null) {
      pending.shutdown();
    }
    if (s != null) {
      s.shutdown();
    }
    store.close(); // the library's deferred node writes must not outlive the adapter
    log.info("zigbee {}: stopped", config.name());
  }

  /**
   * The line to the dongle was lost: the stack is thrown away and the network brought up again as
   * at first start (a coordinator that comes back may have restarted: FR, API mode, addressing,
   * ...), with backoff while it stays away. Every device is set up again on the new stack.
   */
  private void restart(ZigbeeStack s, String badReason) {
    synchronized (lifecycle) {
      if (link.closed || link.stack != s) {
        return;
      }
      link.stack = null;
      link.online = false;
      attempt = 0;
      cancel(housekeepingRun);
    }
    publishOnline(false);
    devices.allGone(badReason);
    // Here, on the dead line's reader thread, not on the blocking pool: a close() right after
    // must not leave this stack's threads running (the pool may be shut down before it ran).
    s.shutdown();
    devices.detachAll(); // configured again on the new stack
    synchronized (lifecycle) {
      if (link.closed) {
        return;
      }
      retry =
          context
              .scheduler()
              .schedule(
                  () -> link.runBlocking(this::bringUp),
                  backoff.delay(0).toMillis(),
                  TimeUnit.MILLISECONDS);
    }
  }

  // ---- library callbacks ----

  private final class StateListener implements ZigBeeNetworkStateListener {
    /** The stack whose manager this listens to. */
    volatile ZigbeeStack owner;

    @Override
    public void networkStateUpdated(ZigBeeNetworkState state) {
      // a stack being brought up, or one shut down after its line was lost (it says OFFLINE
      // from its own pool, maybe after the next stack is up): not the network's state
      if (link.bringingUp || link.closed || owner == null || link.stack != owner) {
        return;
      }
      if (state == ZigBeeNetworkState.ONLINE) {
        synchronized (lifecycle) {
          // the notification of our own start comes after bringUp() went online: nothing new
          if (link.stack == null || link.online) {
            return;
          }
          link.online = true;
        }
        publishOnline(true);
      } else if (state == ZigBeeNetworkState.OFFLINE) {
        link.online = false;
        link.lastError = "network state OFFLINE (the dongle left its network)";
        log.warn("zigbee {}: {}", config.name(), link.lastError);
        publishOnline(false);
        devices.allGone("coordinator offline: " + link.lastError);
      }
    }
  }

  private final class MonitorListener implements CoordinatorMonitor.Listener {
    @Override
    public void coordinatorStarted() {
      if (link.bringingUp || link.stack == null || link.closed || link.online) {
        return; // e.g. the power-up announcement of a dongle we already initialised
      }
      log.info("zigbee {}: the dongle reports its network started again", config.name());
      link.online = true;
      publishOnline(true);
      devices.resyncAll();
    }

    @Override
    public void dongleReset(String reason) {
      if (link.bringingUp || link.stack == null || link.closed) {
        return;
      }
      link.lastError = "dongle reset (" + reason + ")";
      log.warn(
          "zigbee {}: the dongle reset ({}); waiting for it to resume the network",
          config.name(),
          reason);
      link.online = false;
      publishOnline(false);
    }

    /**
     * The port reopened its line by itself: nothing to do, as a lost line already started a new
     * bring-up ({@link #lineDown}) that initialises the dongle from scratch.
     */
    @Override
    public void lineUp(String description) {
      log.debug("zigbee {}: line to {} up", config.name(), description);
    }

    @Override
    public void lineDown(String reason) {
      ZigbeeStack s = link.stack;
      if (link.closed || s == null || s.isLineUp()) {
        return; // during a bring-up it fails by itself; or a line of a stack already replaced
      }
      String why = "connection to the dongle lost: " + reason;
      synchronized (lifecycle) {
        link.lastError = why;
        lastLogged = why;
      }
      log.warn("zigbee {}: {}; reconnecting", config.name(), why);
      restart(s, "coordinator connection lost: " + reason);
    }
  }
}
