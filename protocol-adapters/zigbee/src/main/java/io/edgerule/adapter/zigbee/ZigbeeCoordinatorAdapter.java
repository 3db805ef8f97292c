package io.edgerule.adapter.zigbee;

import com.zsmartsystems.zigbee.CommandResult;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeBroadcastDestination;
import com.zsmartsystems.zigbee.ZigBeeEndpointAddress;
import com.zsmartsystems.zigbee.ZigBeeNetworkManager;
import com.zsmartsystems.zigbee.ZigBeeNetworkNodeListener;
import com.zsmartsystems.zigbee.ZigBeeNetworkState;
import com.zsmartsystems.zigbee.ZigBeeNetworkStateListener;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.ZigBeeStatus;
import com.zsmartsystems.zigbee.database.ZigBeeEndpointDao;
import com.zsmartsystems.zigbee.database.ZigBeeNodeDao;
import com.zsmartsystems.zigbee.zdo.ZdoStatus;
import com.zsmartsystems.zigbee.zdo.command.ManagementLeaveRequest;
import com.zsmartsystems.zigbee.zdo.command.NetworkAddressRequest;
import com.zsmartsystems.zigbee.zdo.command.NetworkAddressResponse;
import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.AdapterHealth.DeviceHealth;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.EventSink;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.zigbee.internal.CoordinatorMonitor;
import io.edgerule.adapter.zigbee.internal.DeviceNames;
import io.edgerule.adapter.zigbee.internal.DeviceSession;
import io.edgerule.adapter.zigbee.internal.FileNetworkDataStore;
import io.edgerule.adapter.zigbee.internal.NetworkIdentity;
import io.edgerule.adapter.zigbee.internal.PointTable;
import io.edgerule.adapter.zigbee.internal.SyncSchedule;
import io.edgerule.adapter.zigbee.internal.Values;
import io.edgerule.adapter.zigbee.internal.ZigbeeStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Zigbee network through one coordinator dongle, on the zsmartsystems Zigbee stack.
 *
 * <p>Points: {@code <name>/permit_join} (int64 seconds, writable: 0 closes the join window) and
 * {@code <name>/online} (bool) for the coordinator; for every discovered device {@code
 * <device>/<point>} from the {@link io.edgerule.adapter.zigbee.internal.ClusterCatalog}, plus
 * {@code <device>/leave}. The device name is its configured alias or its IEEE address in hex.
 * {@link #points()} grows when devices are discovered; devices stored from an earlier run are
 * listed from the start.
 *
 * <p>Life: {@link #start} brings the network up on the daemon's blocking executor (retrying with
 * backoff while the dongle is absent); the network and the paired devices are stored under {@code
 * <state>/zigbee/<name>/} and resumed on the next start without re-pairing.
 */
public final class ZigbeeCoordinatorAdapter implements ProtocolAdapter {
  private static final Logger log = LoggerFactory.getLogger(ZigbeeCoordinatorAdapter.class);
  private static final int MAX_JOIN_SECONDS = 254; // Zigbee 3.0: 255 ("for ever") is not allowed
  private static final long MAX_PERMIT_JOIN_SECONDS = Duration.ofDays(1).toSeconds();
  private static final Duration HOUSEKEEPING_PERIOD = Duration.ofSeconds(1);

  /** Setting up or reading a device that did not answer is retried: 1 s doubling to 30 s. */
  private static final Backoff SYNC_BACKOFF =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2);

  private final ZigbeeCoordinatorConfig config;
  private final AdapterContext context;
  private final Path stateDirectory;
  private final DeviceNames names;
  private final PointTable table = new PointTable();
  private final FileNetworkDataStore store;
  private final CoordinatorMonitor monitor;
  private final PointId permitJoinPoint;
  private final PointId onlinePoint;
  private final Map<IeeeAddress, DeviceSession> sessions = new ConcurrentHashMap<>();
  private final SyncSchedule<IeeeAddress> syncs = new SyncSchedule<>(SYNC_BACKOFF);
  private final Map<IeeeAddress, String> syncProblems = new ConcurrentHashMap<>();
  private final Map<IeeeAddress, Boolean> busy = new ConcurrentHashMap<>();
  private final Backoff backoff = Backoff.DEFAULT;
  private final AtomicLong bringUpFailures = new AtomicLong();
  private final AtomicLong transactionsReleased = new AtomicLong();
  private final Object lifecycle = new Object();
  private final Object joinLock = new Object();
  private final Object onlineLock = new Object();
  private Boolean onlinePublished; // guarded by onlineLock

  private volatile ZigbeeStack stack;
  private volatile ZigbeeStack starting;
  private volatile boolean online;
  private volatile boolean bringingUp;
  private volatile boolean started;
  private volatile boolean closed;
  private volatile String lastError = "";
  private String lastLogged = ""; // the bring-up failure last logged at WARN; guarded by lifecycle
  private int attempt;
  private ScheduledFuture<?> retry;
  private ScheduledFuture<?> housekeeping;
  private ScheduledFuture<?> joinRenew;
  private ScheduledFuture<?> joinClose;
  private volatile long joinUntilNanos;

  /**
   * Creates the adapter without any I/O to the dongle; reads the devices stored by an earlier run
   * so that {@link #points()} lists them.
   *
   * @throws UncheckedIOException when the state directory cannot be created
   */
  public ZigbeeCoordinatorAdapter(ZigbeeCoordinatorConfig config, AdapterContext context) {
    this.config = config;
    this.context = context;
    this.stateDirectory = context.stateDirectory().resolve("zigbee").resolve(config.name());
    this.names = new DeviceNames(config.devices());
    this.permitJoinPoint = new PointId(config.name(), "permit_join");
    this.onlinePoint = new PointId(config.name(), "online");
    try {
      Files.createDirectories(stateDirectory);
      this.store = new FileNetworkDataStore(stateDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "zigbee " + config.name() + ": cannot create state directory " + stateDirectory, e);
    }
    this.monitor = new CoordinatorMonitor(config.name(), new MonitorListener());
    table.add(
        new PointInfo(permitJoinPoint, ValueType.INT64, true, "zdo Mgmt_Permit_Joining_req (s)"));
    table.add(new PointInfo(onlinePoint, ValueType.BOOL, false, "coordinator " + config.port()));
    restoreStoredDevices();
  }

  private void restoreStoredDevices() {
    for (IeeeAddress ieee : store.readNetworkNodes()) {
      ZigBeeNodeDao dao = store.readNode(ieee);
      if (dao == null || dao.getEndpoints() == null || dao.getEndpoints().isEmpty()) {
        continue; // the coordinator itself, or a node whose discovery never finished
      }
      SortedMap<Integer, List<Integer>> clusters = new TreeMap<>();
      for (ZigBeeEndpointDao ep : dao.getEndpoints()) {
        clusters.put(ep.getEndpointId(), new ArrayList<>(ep.getInputClusterIds()));
      }
      session(ieee).definePoints(clusters);
    }
  }

  private DeviceSession session(IeeeAddress ieee) {
    return sessions.computeIfAbsent(
        ieee, a -> new DeviceSession(a, names.nameOf(a), table, context.clock()));
  }

  @Override
  public String name() {
    return "zigbee:" + config.name();
  }

  /** The coordinator's points and those of every device known so far (the list grows). */
  @Override
  public List<PointInfo> points() {
    return table.list();
  }

  /** The directory with this coordinator's stored network and devices. */
  public Path stateDirectory() {
    return stateDirectory;
  }

  /**
   * Starts bringing the network up; the stage completes when the first attempt has finished, up or
   * not (a missing dongle is retried with backoff and reported BAD, never a failed start).
   */
  @Override
  public CompletionStage<Void> start(EventSink sink) {
    CompletableFuture<Void> firstAttempt = new CompletableFuture<>();
    synchronized (lifecycle) {
      if (started || closed) {
        firstAttempt.complete(null);
        return firstAttempt;
      }
      started = true;
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
      if (closed || stack != null) {
        return;
      }
      StateListener states = new StateListener();
      NodeListener nodes = new NodeListener();
      s =
          new ZigbeeStack(
              config,
              context.threadFactory(),
              monitor,
              store,
              nodes,
              states,
              this::heard,
              this::announced);
      states.owner = s;
      nodes.owner = s;
      starting = s;
      bringingUp = true;
    }
    try {
      s.start();
    } catch (ZigbeeStack.BringUpException | RuntimeException e) {
      String reason =
          e instanceof ZigbeeStack.BringUpException ? e.getMessage() : "unexpected error: " + e;
      failBringUp(s, reason);
      return;
    } finally {
      bringingUp = false;
    }
    synchronized (lifecycle) {
      starting = null;
      if (closed) {
        s.shutdown();
        return;
      }
      stack = s;
      if (!lastLogged.isEmpty()) {
        log.info(
            "zigbee {}: the coordinator is back on {} after {} failed attempt(s) (last: {})",
            config.name(),
            s.describePort(),
            attempt,
            lastError);
      }
      attempt = 0;
      lastLogged = "";
      online = true;
      lastError = "";
      housekeeping =
          context
              .scheduler()
              .scheduleWithFixedDelay(
                  this::housekeeping,
                  HOUSEKEEPING_PERIOD.toMillis(),
                  HOUSEKEEPING_PERIOD.toMillis(),
                  TimeUnit.MILLISECONDS);
    }
    checkNetworkIdentity(s.manager());
    // The library tells node listeners about the nodes it restored only later, from its own
    // thread pool: attach them now, so that "online" means a stored device can be written to.
    for (ZigBeeNode node : s.manager().getNodes()) {
      onNode(node);
    }
    publishOnline(true);
    table.good(permitJoinPoint, PointValue.of(0L), context.clock().instant());
    if (!config.permitJoin().isZero()) {
      openJoin(config.permitJoin().toSeconds(), "config permit_join");
    }
  }

  private void failBringUp(ZigbeeStack s, String reason) {
    s.shutdown();
    synchronized (lifecycle) {
      starting = null;
      if (closed) {
        return;
      }
      lastError = reason;
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
      sessions.values().forEach(d -> d.gone("coordinator offline: " + reason));
      retry =
          context
              .scheduler()
              .schedule(() -> runBlocking(this::bringUp), delay.toMillis(), TimeUnit.MILLISECONDS);
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
          "zigbee {}: network resumed: {}; {} device(s) known",
          config.name(),
          now,
          sessions.size());
    } else {
      lastError = "the coordinator is on another network than before (" + before + ")";
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

  // ---- devices ----

  private void onNode(ZigBeeNode node) {
    ZigbeeStack s = stack != null ? stack : starting;
    if (s == null || node.getIeeeAddress().equals(s.localIeee())) {
      return;
    }
    DeviceSession session = session(node.getIeeeAddress());
    session.heard();
    if (!node.isDiscovered()) {
      return; // discovery still running; nodeUpdated follows
    }
    boolean first = session.node() == null;
    session.attach(node);
    if (first) {
      log.info(
          "zigbee {}: device {} ({}) discovered: {} point(s)",
          config.name(),
          session.name(),
          node.getIeeeAddress(),
          table.list().stream().filter(p -> p.id().device().equals(session.name())).count());
    }
    if (!session.isConfigured()) {
      syncLater(session);
    }
  }

  /**
   * Asks for {@code session} to be brought up to date: set up (bind, reporting, read everything) if
   * it is not, else read. Runs now if the network is up, and is retried with backoff until one
   * attempt works (housekeeping starts the retries).
   */
  private void syncLater(DeviceSession session) {
    syncs.request(session.ieee(), System.nanoTime());
    trySync(session);
  }

  private void trySync(DeviceSession session) {
    ZigbeeStack s = stack;
    if (s == null || !online || busy.putIfAbsent(session.ieee(), true) != null) {
      return; // while the network comes up or the device is busy: housekeeping starts it later
    }
    if (!syncs.start(session.ieee(), System.nanoTime())) {
      busy.remove(session.ieee());
      return;
    }
    Runnable attempt =
        () -> {
          boolean ok = false;
          try {
            ok = sync(s, session);
          } finally {
            Optional<Duration> next = syncs.finished(session.ieee(), ok, System.nanoTime());
            busy.remove(session.ieee());
            if (!ok && next.isPresent() && !closed) {
              log.debug(
                  "zigbee {}: {} trying again in {} ms",
                  config.name(),
                  session.name(),
                  next.get().toMillis());
            }
          }
        };
    try {
      context.blockingIo().execute(attempt);
    } catch (RejectedExecutionException e) {
      syncs.finished(session.ieee(), false, System.nanoTime());
      busy.remove(session.ieee()); // the daemon is shutting down
    }
  }

  /** Blocking: one attempt to set {@code session} up or read it; true if it took everything. */
  private boolean sync(ZigbeeStack s, DeviceSession session) {
    if (stack != s || closed) {
      return false;
    }
    if (session.isConfigured()) {
      boolean read = session.readAll(config.commandTimeout());
      syncOutcome(session, read ? null : "did not answer its reads; retrying with backoff");
      return read;
    }
    List<String> problems =
        session.configure(
            s.localIeee(),
            (int) config.reportMinInterval().toSeconds(),
            (int) config.reportMaxInterval().toSeconds(),
            config.commandTimeout());
    if (closed) {
      return false;
    }
    if (problems.isEmpty()) {
      log.info("zigbee {}: {} reports configured", config.name(), session.name());
    }
    syncOutcome(
        session,
        problems.isEmpty() ? null : "not fully configured, retrying with backoff: " + problems);
    return problems.isEmpty();
  }

  /**
   * Logs what a device's setup or read met: a problem at WARN once, again only when it changes (a
   * device that keeps refusing, or stays away, is retried for minutes), and at INFO when it is gone
   * ({@code problem} null).
   */
  private void syncOutcome(DeviceSession session, String problem) {
    if (problem == null) {
      String was = syncProblems.remove(session.ieee());
      if (was != null) {
        log.info("zigbee {}: {} took everything now", config.name(), session.name());
      }
    } else if (problem.equals(syncProblems.put(session.ieee(), problem))) {
      log.debug("zigbee {}: {} {}", config.name(), session.name(), problem);
    } else {
      log.warn("zigbee {}: {} {}", config.name(), session.name(), problem);
    }
  }

  /** A device announced itself (ZDO Device_annce): it (re)joined, and its values may have moved. */
  private void announced(IeeeAddress ieee) {
    DeviceSession session = sessions.get(ieee);
    if (session == null || session.node() == null || stack == null || closed) {
      return; // a new device: discovery sets it up; during bring-up: set up right after
    }
    log.info("zigbee {}: {} announced itself; reading it", config.name(), session.name());
    session.heard();
    syncLater(session);
  }

  private void heard(int networkAddress) {
    ZigbeeStack s = stack != null ? stack : starting;
    if (s == null) {
      return;
    }
    ZigBeeNode node = s.manager().getNode(networkAddress);
    if (node != null) {
      DeviceSession session = sessions.get(node.getIeeeAddress());
      if (session != null) {
        boolean wasGone = session.goneReason() != null;
        session.heard();
        if (wasGone && online) {
          log.info("zigbee {}: {} is back", config.name(), session.name());
          syncLater(session);
        }
      }
    }
  }

  /** Every second: stuck transactions, devices to (re)configure, silent devices to probe. */
  private void housekeeping() {
    ZigbeeStack s = stack;
    if (s == null || closed) {
      return;
    }
    runBlocking(
        () -> {
          int released = s.sweepTransactions();
          transactionsReleased.addAndGet(released);
        });
    if (!online || !s.isLineUp()) {
      return;
    }
    for (DeviceSession session : sessions.values()) {
      if (session.node() == null || session.goneReason() != null) {
        continue;
      }
      // silence first: a device whose reporting setup keeps failing (one that can only be
      // polled) must still be found gone when it leaves
      if (session.silence().compareTo(config.offlineAfter()) > 0) {
        if (busy.putIfAbsent(session.ieee(), true) == null) {
          runBlocking(
              () -> {
                try {
                  probe(s, session);
                } finally {
                  busy.remove(session.ieee());
                }
              });
        }
        continue;
      }
      if (syncs.isDue(session.ieee(), System.nanoTime())) {
        trySync(session);
      }
    }
  }

  /** Asks the network where a silent device is (NWK_addr_req broadcast); no answer: it left. */
  private void probe(ZigbeeStack s, DeviceSession session) {
    Duration silence = session.silence();
    NetworkAddressRequest request = new NetworkAddressRequest(session.ieee(), 0, 0);
    request.setDestinationAddress(
        new ZigBeeEndpointAddress(ZigBeeBroadcastDestination.BROADCAST_ALL_DEVICES.getKey()));
    Future<CommandResult> future = s.manager().sendTransaction(request, request);
    boolean answered = false;
    if (future != null) {
      try {
        CommandResult r = future.get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
        answered =
            r != null
                && r.getResponse() instanceof NetworkAddressResponse n
                && n.getStatus() == ZdoStatus.SUCCESS;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        answered = false;
      }
    }
    if (answered) {
      log.info(
          "zigbee {}: {} answered after {} s of silence; configuring its reports again",
          config.name(),
          session.name(),
          silence.toSeconds());
      session.heard();
      session.detach();
      if (session.node() != null) {
        session.attach(session.node());
      }
      syncLater(session);
    } else {
      String reason =
          "device left the network: silent for "
              + silence.toSeconds()
              + " s and no answer to NWK_addr_req";
      log.warn("zigbee {}: {}: {}", config.name(), session.name(), reason);
      session.gone(reason);
    }
  }

  // ---- writes ----

  @Override
  public CompletionStage<WriteResult> write(WriteCommand command) {
    PointId id = command.point();
    PointInfo info = table.get(id).orElse(null);
    if (info == null) {
      return done(WriteResult.rejected(command, "unknown point " + id));
    }
    if (!info.writable()) {
      return done(WriteResult.rejected(command, id + " is read-only"));
    }
    ZigbeeStack s = stack;
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
      if (s == null || !online) {
        return done(WriteResult.timeout(command, offlineReason()));
      }
      return async(
          command,
          () ->
              openJoin(seconds, command.origin())
                  ? WriteResult.ok(command)
                  : WriteResult.failed(command, "the coordinator refused permit join"));
    }
    DeviceSession session = null;
    for (DeviceSession d : sessions.values()) {
      if (d.name().equals(id.device())) {
        session = d;
      }
    }
    if (session == null) {
      return done(WriteResult.rejected(command, "unknown device " + id.device()));
    }
    if (s == null || !online) {
      return done(WriteResult.timeout(command, offlineReason()));
    }
    DeviceSession target = session;
    if (id.equals(session.leavePoint())) {
      if (!Boolean.TRUE.equals(Values.asBool(command.value()))) {
        return done(WriteResult.rejected(command, id + ": write true to make the device leave"));
      }
      return async(command, () -> leave(s, target, command));
    }
    DeviceSession.Binding binding = session.binding(id);
    if (binding == null) {
      return done(WriteResult.rejected(command, "unknown point " + id));
    }
    return async(
        command,
        () -> {
          long mark = monitor.deliveries().mark();
          return target.write(
              command, binding, config.commandTimeout(), () -> undelivered(target, mark));
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
        DeviceSession.outcome(
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

  private boolean openJoin(long seconds, String origin) {
    ZigbeeStack s = stack;
    if (s == null) {
      return false;
    }
    synchronized (joinLock) {
      cancel(joinRenew);
      cancel(joinClose);
      ZigBeeStatus status = s.manager().permitJoin((int) Math.min(seconds, MAX_JOIN_SECONDS));
      if (status != ZigBeeStatus.SUCCESS) {
        log.warn("zigbee {}: permit join {} s refused: {}", config.name(), seconds, status);
        return false;
      }
      log.info(
          "zigbee {}: {} (asked by {})",
          config.name(),
          seconds == 0 ? "joining closed" : "joining permitted for " + seconds + " s",
          origin);
      table.good(permitJoinPoint, PointValue.of(seconds), context.clock().instant());
      if (seconds == 0) {
        return true;
      }
      joinUntilNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      if (seconds > MAX_JOIN_SECONDS) {
        long period = MAX_JOIN_SECONDS - 14;
        joinRenew =
            context
                .scheduler()
                .scheduleAtFixedRate(
                    () -> runBlocking(this::renewJoin), period, period, TimeUnit.SECONDS);
      }
      joinClose =
          context
              .scheduler()
              .schedule(
                  () -> {
                    synchronized (joinLock) {
                      cancel(joinRenew);
                    }
                    log.info("zigbee {}: join window closed", config.name());
                    table.good(permitJoinPoint, PointValue.of(0L), context.clock().instant());
                  },
                  seconds,
                  TimeUnit.SECONDS);
      return true;
    }
  }

  private void renewJoin() {
    ZigbeeStack s = stack;
    long remaining = TimeUnit.NANOSECONDS.toSeconds(joinUntilNanos - System.nanoTime());
    if (s != null && remaining > 0) {
      s.manager().permitJoin((int) Math.min(remaining, MAX_JOIN_SECONDS));
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

  private String offlineReason() {
    return "coordinator offline" + (lastError.isEmpty() ? "" : ": " + lastError);
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

  private void runBlocking(Runnable task) {
    if (closed) {
      return;
    }
    try {
      context.blockingIo().execute(task);
    } catch (RejectedExecutionException e) {
      // the daemon is shutting down
    }
  }

  private static void cancel(Future<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  // ---- health and close ----

  @Override
  public AdapterHealth health() {
    List<DeviceHealth> devices = new ArrayList<>();
    Map<String, Long> counters = new LinkedHashMap<>(monitor.counters());
    counters.put("bring_up_failures", bringUpFailures.get());
    counters.put("stuck_transactions_released", transactionsReleased.get());
    AdapterHealth.State coordinatorState =
        closed
            ? AdapterHealth.State.STOPPED
            : stack != null && online
                ? AdapterHealth.State.UP
                : started ? AdapterHealth.State.DOWN : AdapterHealth.State.STARTING;
    devices.add(new DeviceHealth(config.name(), coordinatorState, lastError, counters));
    for (DeviceSession d : sessions.values()) {
      AdapterHealth.State state =
          d.goneReason() != null
              ? AdapterHealth.State.DOWN
              : d.isConfigured() ? AdapterHealth.State.UP : AdapterHealth.State.STARTING;
      String why = d.goneReason() != null ? d.goneReason() : d.setupProblems();
      devices.add(new DeviceHealth(d.name(), state, why, d.counters()));
    }
    AdapterHealth.State overall =
        closed
            ? AdapterHealth.State.STOPPED
            : coordinatorState == AdapterHealth.State.UP
                ? AdapterHealth.summarize(devices)
                : coordinatorState;
    return new AdapterHealth(name(), overall, devices);
  }

  /** Stops the network: the library's threads, the port, our timers. Idempotent. */
  @Override
  public void close() {
    ZigbeeStack s;
    ZigbeeStack pending;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      cancel(retry);
      cancel(housekeeping);
      s = stack;
      pending = starting;
      stack = null;
      starting = null;
      online = false;
    }
    synchronized (joinLock) {
      cancel(joinRenew);
      cancel(joinClose);
    }
    sessions.values().forEach(DeviceSession::detach);
    if (pending != null) {
      pending.shutdown();
    }
    if (s != null) {
      s.shutdown();
    }
    log.info("zigbee {}: stopped", config.name());
  }

  /**
   * The line to the dongle was lost: the stack is thrown away and the network brought up again as
   * at first start (a coordinator that comes back may have restarted: FR, API mode, addressing,
   * ...), with backoff while it stays away. Every device is set up again on the new stack.
   */
  private void restart(ZigbeeStack s, String badReason) {
    synchronized (lifecycle) {
      if (closed || stack != s) {
        return;
      }
      stack = null;
      online = false;
      attempt = 0;
      cancel(housekeeping);
    }
    publishOnline(false);
    sessions.values().forEach(d -> d.gone(badReason));
    // Here, on the dead line's reader thread, not on the blocking pool: a close() right after
    // must not leave this stack's threads running (the pool may be shut down before it ran).
    s.shutdown();
    sessions.values().forEach(DeviceSession::detach); // configured again on the new stack
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      retry =
          context
              .scheduler()
              .schedule(
                  () -> runBlocking(this::bringUp),
                  backoff.delay(0).toMillis(),
                  TimeUnit.MILLISECONDS);
    }
  }

  // ---- library callbacks ----

  private final class NodeListener implements ZigBeeNetworkNodeListener {
    /** The stack whose manager this listens to: the nodes of one shut down are not ours. */
    volatile ZigbeeStack owner;

    private boolean current() {
      ZigbeeStack o = owner;
      return o != null && (o == stack || o == starting);
    }

    @Override
    public void nodeAdded(ZigBeeNode node) {
      if (current()) {
        runBlocking(() -> onNode(node));
      }
    }

    @Override
    public void nodeUpdated(ZigBeeNode node) {
      if (current()) {
        runBlocking(() -> onNode(node));
      }
    }

    @Override
    public void nodeRemoved(ZigBeeNode node) {
      if (!current()) {
        return;
      }
      DeviceSession session = sessions.get(node.getIeeeAddress());
      if (session != null && session.goneReason() == null) {
        session.detach();
        session.gone("device removed from the network");
        log.info("zigbee {}: {} removed from the network", config.name(), session.name());
      }
    }
  }

  private final class StateListener implements ZigBeeNetworkStateListener {
    /** The stack whose manager this listens to. */
    volatile ZigbeeStack owner;

    @Override
    public void networkStateUpdated(ZigBeeNetworkState state) {
      // a stack being brought up, or one shut down after its line was lost (it says OFFLINE
      // from its own pool, maybe after the next stack is up): not the network's state
      if (bringingUp || closed || owner == null || stack != owner) {
        return;
      }
      if (state == ZigBeeNetworkState.ONLINE) {
        synchronized (lifecycle) {
          // the notification of our own start comes after bringUp() went online: nothing new
          if (stack == null || online) {
            return;
          }
          online = true;
        }
        publishOnline(true);
      } else if (state == ZigBeeNetworkState.OFFLINE) {
        online = false;
        lastError = "network state OFFLINE (the dongle left its network)";
        log.warn("zigbee {}: {}", config.name(), lastError);
        publishOnline(false);
        sessions.values().forEach(d -> d.gone("coordinator offline: " + lastError));
      }
    }
  }

  private final class MonitorListener implements CoordinatorMonitor.Listener {
    @Override
    public void coordinatorStarted() {
      if (bringingUp || stack == null || closed || online) {
        return; // e.g. the power-up announcement of a dongle we already initialised
      }
      log.info("zigbee {}: the dongle reports its network started again", config.name());
      online = true;
      publishOnline(true);
      resync();
    }

    @Override
    public void dongleReset(String reason) {
      if (bringingUp || stack == null || closed) {
        return;
      }
      lastError = "dongle reset (" + reason + ")";
      log.warn(
          "zigbee {}: the dongle reset ({}); waiting for it to resume the network",
          config.name(),
          reason);
      online = false;
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
      ZigbeeStack s = stack;
      if (closed || s == null || s.isLineUp()) {
        return; // during a bring-up it fails by itself; or a line of a stack already replaced
      }
      String why = "connection to the dongle lost: " + reason;
      synchronized (lifecycle) {
        lastError = why;
        lastLogged = why;
      }
      log.warn("zigbee {}: {}; reconnecting", config.name(), why);
      restart(s, "coordinator connection lost: " + reason);
    }

    /** After the dongle reset: every device's values are read again (retried until they answer). */
    private void resync() {
      for (DeviceSession d : sessions.values()) {
        if (d.node() != null) {
          d.heard();
          syncLater(d);
        }
      }
    }
  }
}
