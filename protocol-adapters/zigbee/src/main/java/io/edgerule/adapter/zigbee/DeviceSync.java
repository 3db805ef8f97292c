package io.edgerule.adapter.zigbee;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeNetworkNodeListener;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.database.ZigBeeEndpointDao;
import com.zsmartsystems.zigbee.database.ZigBeeNodeDao;
import io.edgerule.adapter.AdapterContext;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.zigbee.internal.DeviceNames;
import io.edgerule.adapter.zigbee.internal.DeviceSession;
import io.edgerule.adapter.zigbee.internal.FileNetworkDataStore;
import io.edgerule.adapter.zigbee.internal.PointTable;
import io.edgerule.adapter.zigbee.internal.SyncSchedule;
import io.edgerule.adapter.zigbee.internal.ZigbeeStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices of one coordinator: their sessions, and bringing each up to date (set up: bind,
 * reporting, read everything; or read again) when discovered, announced or back, retried with
 * backoff ({@link SyncSchedule}) until one attempt works. Housekeeping starts the retries.
 */
final class DeviceSync {
  // the adapter's logger: operators and log configs know the adapter by that one name
  private static final Logger log = LoggerFactory.getLogger(ZigbeeCoordinatorAdapter.class);

  /** Setting up or reading a device that did not answer is retried: 1 s doubling to 30 s. */
  private static final Backoff SYNC_BACKOFF =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 2);

  private final ZigbeeCoordinatorConfig config;
  private final AdapterContext context;
  private final DeviceNames names;
  private final PointTable table;
  private final LinkState link;
  private final Map<IeeeAddress, DeviceSession> sessions = new ConcurrentHashMap<>();
  private final SyncSchedule<IeeeAddress> syncs = new SyncSchedule<>(SYNC_BACKOFF);
  private final Map<IeeeAddress, String> syncProblems = new ConcurrentHashMap<>();
  private final Map<IeeeAddress, Boolean> busy = new ConcurrentHashMap<>();

  DeviceSync(
      ZigbeeCoordinatorConfig config, AdapterContext context, PointTable table, LinkState link) {
    this.config = config;
    this.context = context;
    this.names = new DeviceNames(config.devices());
    this.table = table;
    this.link = link;
  }

  /** Lists the devices stored by an earlier run, so that their points are known from the start. */
  void restoreStoredDevices(FileNetworkDataStore store) {
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
        ieee,
        a -> new DeviceSession(a, names.nameOf(a), table, context.clock(), context.metrics()));
  }

  /** Every device known so far (live view). */
  Collection<DeviceSession> sessions() {
    return sessions.values();
  }

  int size() {
    return sessions.size();
  }

  /** The device named {@code name}, or null (the last one if a name were used twice). */
  DeviceSession byName(String name) {
    DeviceSession session = null;
    for (DeviceSession d : sessions.values()) {
      if (d.name().equals(name)) {
        session = d;
      }
    }
    return session;
  }

  /** Marks {@code ieee} busy (one blocking job per device at a time); false if it already is. */
  boolean claim(IeeeAddress ieee) {
    return busy.putIfAbsent(ieee, true) == null;
  }

  void release(IeeeAddress ieee) {
    busy.remove(ieee);
  }

  /** Whether a set-up or read of {@code ieee} is due (asked for, and its backoff has passed). */
  boolean isDue(IeeeAddress ieee) {
    return syncs.isDue(ieee, System.nanoTime());
  }

  /** Marks every device gone with {@code reason} (the coordinator is offline). */
  void allGone(String reason) {
    sessions.values().forEach(d -> d.gone(reason));
  }

  /** Forgets every device's node: the stack they were on is gone; set up again on the next. */
  void detachAll() {
    sessions.values().forEach(DeviceSession::detach);
  }

  /** After the dongle reset: every device's values are read again (retried until they answer). */
  void resyncAll() {
    for (DeviceSession d : sessions.values()) {
      if (d.node() != null) {
        d.heard();
        syncLater(d);
      }
    }
  }

  /** A node the library discovered or updated: its device is attached and set up if need be. */
  void onNode(ZigBeeNode node) {
    ZigbeeStack s = link.stackOrStarting();
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
  void syncLater(DeviceSession session) {
    syncs.request(session.ieee(), System.nanoTime());
    trySync(session);
  }

  void trySync(DeviceSession session) {
    ZigbeeStack s = link.stack;
    if (s == null || !link.online || busy.putIfAbsent(session.ieee(), true) != null) {
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
            if (!ok && next.isPresent() && !link.closed) {
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
    if (link.stack != s || link.closed) {
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
    if (link.closed) {
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
  void announced(IeeeAddress ieee) {
    DeviceSession session = sessions.get(ieee);
    if (session == null || session.node() == null || link.stack == null || link.closed) {
      return; // a new device: discovery sets it up; during bring-up: set up right after
    }
    log.info("zigbee {}: {} announced itself; reading it", config.name(), session.name());
    session.heard();
    syncLater(session);
  }

  /**
   * A frame came from {@code networkAddress}: its device is not silent, and back if it was gone.
   */
  void heard(int networkAddress) {
    ZigbeeStack s = link.stackOrStarting();
    if (s == null) {
      return;
    }
    ZigBeeNode node = s.manager().getNode(networkAddress);
    if (node != null) {
      DeviceSession session = sessions.get(node.getIeeeAddress());
      if (session != null) {
        boolean wasGone = session.goneReason() != null;
        session.heard();
        if (wasGone && link.online) {
          log.info("zigbee {}: {} is back", config.name(), session.name());
          syncLater(session);
        }
      }
    }
  }

  /** A listener for the nodes of one stack: the caller sets its {@code owner} to that stack. */
  NodeListener nodeListener() {
    return new NodeListener();
  }

  final class NodeListener implements ZigBeeNetworkNodeListener {
    /** The stack whose manager this listens to: the nodes of one shut down are not ours. */
    volatile ZigbeeStack owner;

    private boolean current() {
      ZigbeeStack o = owner;
      return o != null && (o == link.stack || o == link.starting);
    }

    @Override
    public void nodeAdded(ZigBeeNode node) {
      if (current()) {
        link.runBlocking(() -> onNode(node));
      }
    }

    @Override
    public void nodeUpdated(ZigBeeNode node) {
      if (current()) {
        link.runBlocking(() -> onNode(node));
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
}
