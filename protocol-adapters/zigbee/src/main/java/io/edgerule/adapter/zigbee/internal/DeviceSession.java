package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeEndpoint;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.zcl.ZclAttributeListener;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.metrics.CounterSet;
import io.edgerule.adapter.metrics.DeviceMeters;
import io.edgerule.adapter.metrics.Labels;
import io.edgerule.adapter.metrics.Metrics;
import io.edgerule.adapter.zigbee.internal.ClusterCatalog.Decoded;
import io.edgerule.adapter.zigbee.internal.ClusterCatalog.PointSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Zigbee device as the gateway sees it: its points (from its endpoints' server clusters and the
 * {@link ClusterCatalog}), the attribute listeners that turn ZCL reports into samples, its
 * liveness, the reporting setup ({@link DeviceSetup}) and the writes that become ZCL commands
 * ({@link ZclWrites}).
 */
public final class DeviceSession {
  private static final Logger log = LoggerFactory.getLogger(DeviceSession.class);

  /** The point that asks the device to leave the network (write true). */
  public static final String LEAVE_POINT = "leave";

  /** A point bound to one endpoint's cluster attribute (or command). */
  public record Binding(PointId id, int endpointId, PointSpec spec) {
    PointInfo info() {
      return new PointInfo(
          id, spec.type(), spec.writable(), spec.address() + " endpoint " + endpointId);
    }
  }

  private final IeeeAddress ieee;
  private final String name;
  private final PointTable table;
  private final Clock clock;
  private final CounterSet<ZigbeeCounter> counters;
  private final DeviceMeters meters;
  private final Map<PointId, Binding> bindings = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> scaling = new ConcurrentHashMap<>();
  private final Map<ZclCluster, ZclAttributeListener> listeners = new HashMap<>();
  private volatile ZigBeeNode node;
  private volatile long lastHeardNanos = System.nanoTime();
  private volatile String goneReason;
  private volatile boolean configured;
  private volatile String setupProblems = "";

  public DeviceSession(IeeeAddress ieee, String name, PointTable table, Clock clock) {
    this(ieee, name, table, clock, Metrics.local());
  }

  /** Its counters made in {@code metrics} ({@code edgerule_zigbee_*_total{device}}). */
  public DeviceSession(
      IeeeAddress ieee, String name, PointTable table, Clock clock, Metrics metrics) {
    this.counters =
        CounterSet.bind(
            metrics,
            "edgerule_zigbee",
            ZigbeeCounter.class,
            Labels.of("device", name),
            ZigbeeCounter::help);
    this.meters = DeviceMeters.bind(metrics, "zigbee", name);
    this.ieee = ieee;
    this.name = name;
    this.table = table;
    this.clock = clock;
  }

  public IeeeAddress ieee() {
    return ieee;
  }

  public String name() {
    return name;
  }

  public ZigBeeNode node() {
    return node;
  }

  public PointId leavePoint() {
    return new PointId(name, LEAVE_POINT);
  }

  /**
   * The points of a device with the given server clusters per endpoint: each catalog point once by
   * its plain name on the lowest endpoint that has the cluster, and as {@code name_<endpoint>} on
   * the others.
   */
  public static List<Binding> plan(String device, SortedMap<Integer, List<Integer>> endpoints) {
    List<Binding> result = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (Map.Entry<Integer, List<Integer>> ep : endpoints.entrySet()) {
      for (int cluster : ep.getValue()) {
        for (PointSpec spec : ClusterCatalog.forCluster(cluster)) {
          String point = used.add(spec.name()) ? spec.name() : spec.name() + "_" + ep.getKey();
          result.add(new Binding(new PointId(device, point), ep.getKey(), spec));
        }
      }
    }
    return result;
  }

  /** The server clusters per endpoint of a node the library knows. */
  public static SortedMap<Integer, List<Integer>> serverClusters(ZigBeeNode node) {
    SortedMap<Integer, List<Integer>> endpoints = new TreeMap<>();
    for (ZigBeeEndpoint ep : node.getEndpoints()) {
      List<Integer> clusters = new ArrayList<>(ep.getInputClusterIds());
      clusters.sort(Integer::compare);
      endpoints.put(ep.getEndpointId(), clusters);
    }
    return endpoints;
  }

  /** Registers the points of {@code endpoints} in the table (without touching the device). */
  public synchronized List<PointInfo> definePoints(SortedMap<Integer, List<Integer>> endpoints) {
    List<PointInfo> infos = new ArrayList<>();
    for (Binding b : plan(name, endpoints)) {
      bindings.put(b.id(), b);
      infos.add(b.info());
    }
    if (!bindings.isEmpty()) {
      infos.add(new PointInfo(leavePoint(), ValueType.BOOL, true, "zdo Mgmt_Leave_req"));
    }
    infos.forEach(table::add);
    return infos;
  }

  /** Follows the library's node: defines its points and listens to its clusters' attributes. */
  public synchronized void attach(ZigBeeNode zigbeeNode) {
    this.node = zigbeeNode;
    definePoints(serverClusters(zigbeeNode));
    for (Binding b : bindings.values()) {
      ZclCluster cluster = clusterOf(zigbeeNode, b);
      if (cluster == null || listeners.containsKey(cluster)) {
        continue;
      }
      int endpointId = b.endpointId();
      int clusterId = b.spec().clusterId();
      ZclAttributeListener listener =
          (attribute, value) -> onAttribute(endpointId, clusterId, attribute.getId(), value);
      cluster.addAttributeListener(listener);
      listeners.put(cluster, listener);
    }
  }

  /** Stops listening (the device left or the network went down). */
  public synchronized void detach() {
    listeners.forEach(ZclCluster::removeAttributeListener);
    listeners.clear();
    configured = false;
  }

  public boolean isConfigured() {
    return configured;
  }

  void onAttribute(int endpointId, int clusterId, int attributeId, Object value) {
    heard();
    if (clusterId == ClusterCatalog.ELECTRICAL_MEASUREMENT
        && ClusterCatalog.SCALING_ATTRIBUTES.contains(attributeId)
        && value instanceof Number n) {
      scaling.put(attributeId, n.intValue());
      return;
    }
    for (Binding b : bindings.values()) {
      PointSpec spec = b.spec();
      if (b.endpointId() != endpointId
          || spec.clusterId() != clusterId
          || spec.attributeId() != attributeId) {
        continue;
      }
      counters.increment(ZigbeeCounter.REPORTS);
      meters.polls().increment(); // a report is Zigbee's unit of asking
      Decoded decoded;
      try {
        decoded = spec.decoder().decode(value, scaling);
      } catch (IllegalArgumentException e) {
        decoded = new Decoded.Invalid("unexpected value for " + b.id() + ": " + e.getMessage());
      }
      if (decoded instanceof Decoded.Value v) {
        table.good(b.id(), v.value(), clock.instant());
      } else {
        table.quality(b.id(), Quality.bad(((Decoded.Invalid) decoded).reason()), clock.instant());
      }
    }
  }

  // ---- liveness ----

  public void heard() {
    lastHeardNanos = System.nanoTime();
    goneReason = null;
  }

  public Duration silence() {
    return Duration.ofNanos(System.nanoTime() - lastHeardNanos);
  }

  /** Marks every point BAD with {@code reason} (device left, coordinator offline...). */
  public void gone(String reason) {
    goneReason = reason;
    Quality bad = Quality.bad(reason);
    for (Binding b : bindings.values()) {
      if (b.spec().readable()) {
        table.quality(b.id(), bad, clock.instant());
      }
    }
  }

  /** Why the device is considered gone, or null while it is heard from. */
  public String goneReason() {
    return goneReason;
  }

  // ---- setup ----

  /**
   * Blocking: reads the scaling attributes, binds the reported clusters to the coordinator,
   * configures reporting and reads every readable point once. Stops at the first request the device
   * does not answer (it is away or gone: asking on would only hold the device busy for one timeout
   * per request); the adapter tries again later. See {@link DeviceSetup}.
   *
   * @return the problems met (empty when the device took everything)
   */
  public List<String> configure(
      IeeeAddress coordinator, int minSeconds, int maxSeconds, Duration timeout) {
    ZigBeeNode n = node;
    if (n == null) {
      return new ArrayList<>(List.of("not discovered yet"));
    }
    Map<ZclCluster, List<Binding>> byCluster = new LinkedHashMap<>();
    for (Binding b : bindings.values()) {
      ZclCluster cluster = clusterOf(n, b);
      if (cluster != null) {
        byCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(b);
      }
    }
    List<String> problems =
        new DeviceSetup(coordinator, minSeconds, maxSeconds, timeout).run(byCluster);
    configured = problems.isEmpty();
    setupProblems = String.join("; ", problems);
    return problems;
  }

  /** What the last {@link #configure} could not do ("" when it did everything or never ran). */
  public String setupProblems() {
    return setupProblems;
  }

  /**
   * Blocking: reads every readable point once (after the coordinator was away, or when the device
   * announced itself); stops at the first read the device does not answer.
   *
   * @return whether the device answered every read
   */
  public boolean readAll(Duration timeout) {
    ZigBeeNode n = node;
    if (n == null) {
      return false;
    }
    Map<ZclCluster, List<Integer>> byCluster = new LinkedHashMap<>();
    for (Binding b : bindings.values()) {
      ZclCluster cluster = clusterOf(n, b);
      if (cluster != null && b.spec().readable()) {
        byCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(b.spec().attributeId());
      }
    }
    for (Map.Entry<ZclCluster, List<Integer>> e : byCluster.entrySet()) {
      ZclAnswer a = ZclAnswer.await(e.getKey().readAttributes(e.getValue()), timeout, "read");
      a.problem().ifPresent(p -> log.debug("{}: {}", name, p)); // the adapter logs the outcome
      if (!a.answered()) {
        return false; // away or gone: retried, and the silence check finds out which
      }
    }
    return true;
  }

  // ---- writes ----

  public Binding binding(PointId id) {
    return bindings.get(id);
  }

  /**
   * Blocking: sends the command a write to {@code b} means and waits for the device's answer.
   *
   * @param undelivered why the coordinator could not deliver it, if it said so (asked only when the
   *     device did not answer)
   */
  public WriteResult write(
      WriteCommand command, Binding b, Duration timeout, Supplier<Optional<String>> undelivered) {
    counters.increment(ZigbeeCounter.WRITES);
    long sent = System.nanoTime();
    WriteResult result = doWrite(command, b, timeout, undelivered);
    if (result.isOk()) {
      meters.latency().record(System.nanoTime() - sent);
    } else {
      counters.increment(ZigbeeCounter.WRITE_FAILURES);
      meters.errors().increment();
    }
    return result;
  }

  private WriteResult doWrite(
      WriteCommand command, Binding b, Duration timeout, Supplier<Optional<String>> undelivered) {
    ZigBeeNode n = node;
    ZclCluster cluster = n == null ? null : clusterOf(n, b);
    if (cluster == null) {
      return WriteResult.rejected(command, name + " is not discovered yet");
    }
    return ZclWrites.send(command, b, cluster, timeout, undelivered);
  }

  /** The cluster of {@code node} that {@code b} is bound to; null if the node has no such one. */
  private static ZclCluster clusterOf(ZigBeeNode node, Binding b) {
    ZigBeeEndpoint ep = node.getEndpoint(b.endpointId());
    return ep == null ? null : ep.getInputCluster(b.spec().clusterId());
  }

  /** Health counters, snake_case. */
  public Map<String, Long> counters() {
    return counters.snapshot();
  }
}
