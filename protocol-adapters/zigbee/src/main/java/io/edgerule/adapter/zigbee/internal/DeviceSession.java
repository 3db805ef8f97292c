package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.CommandResult;
import com.zsmartsystems.zigbee.IeeeAddress;
import com.zsmartsystems.zigbee.ZigBeeEndpoint;
import com.zsmartsystems.zigbee.ZigBeeNode;
import com.zsmartsystems.zigbee.zcl.ZclAttributeListener;
import com.zsmartsystems.zigbee.zcl.ZclCluster;
import com.zsmartsystems.zigbee.zcl.ZclStatus;
import com.zsmartsystems.zigbee.zcl.clusters.ZclLevelControlCluster;
import com.zsmartsystems.zigbee.zcl.clusters.ZclOnOffCluster;
import com.zsmartsystems.zigbee.zcl.clusters.general.ConfigureReportingResponse;
import com.zsmartsystems.zigbee.zcl.clusters.general.DefaultResponse;
import com.zsmartsystems.zigbee.zcl.clusters.general.WriteAttributesResponse;
import com.zsmartsystems.zigbee.zcl.clusters.levelcontrol.MoveToLevelWithOnOffCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.OffCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.OnCommand;
import com.zsmartsystems.zigbee.zcl.clusters.onoff.ToggleCommand;
import com.zsmartsystems.zigbee.zcl.field.AttributeStatusRecord;
import com.zsmartsystems.zigbee.zcl.field.WriteAttributeStatusRecord;
import com.zsmartsystems.zigbee.zcl.protocol.ZclDataType;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointValue;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Zigbee device as the gateway sees it: its points (from its endpoints' server clusters and the
 * {@link ClusterCatalog}), the attribute listeners that turn ZCL reports into samples, the
 * reporting setup, and the writes that become ZCL commands.
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
      ZigBeeEndpoint ep = zigbeeNode.getEndpoint(b.endpointId());
      ZclCluster cluster = ep == null ? null : ep.getInputCluster(b.spec().clusterId());
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
   * per request); the adapter tries again later.
   *
   * @return the problems met (empty when the device took everything)
   */
  public List<String> configure(
      IeeeAddress coordinator, int minSeconds, int maxSeconds, Duration timeout) {
    ZigBeeNode n = node;
    Setup setup = new Setup(timeout);
    if (n == null) {
      setup.problems.add("not discovered yet");
      return setup.problems;
    }
    Map<ZclCluster, List<Binding>> byCluster = new LinkedHashMap<>();
    for (Binding b : bindings.values()) {
      ZigBeeEndpoint ep = n.getEndpoint(b.endpointId());
      ZclCluster cluster = ep == null ? null : ep.getInputCluster(b.spec().clusterId());
      if (cluster != null) {
        byCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(b);
      }
    }
    for (Map.Entry<ZclCluster, List<Binding>> e : byCluster.entrySet()) {
      if (!configureCluster(e.getKey(), e.getValue(), coordinator, minSeconds, maxSeconds, setup)) {
        break;
      }
    }
    configured = setup.problems.isEmpty();
    setupProblems = String.join("; ", setup.problems);
    return setup.problems;
  }

  /** What the last {@link #configure} could not do ("" when it did everything or never ran). */
  public String setupProblems() {
    return setupProblems;
  }

  /** One cluster's setup; false when the device stopped answering. */
  private static boolean configureCluster(
      ZclCluster cluster,
      List<Binding> points,
      IeeeAddress coordinator,
      int minSeconds,
      int maxSeconds,
      Setup setup) {
    String where = String.format("cluster 0x%04X", cluster.getClusterId());
    if (cluster.getClusterId() == ClusterCatalog.ELECTRICAL_MEASUREMENT
        && !setup.step(
            cluster.readAttributes(ClusterCatalog.SCALING_ATTRIBUTES), where + " scaling")) {
      return false;
    }
    boolean reported = points.stream().anyMatch(b -> b.spec().reported());
    if (reported && !setup.step(cluster.bind(coordinator, 1), where + " bind")) {
      return false;
    }
    List<Integer> readable = new ArrayList<>();
    for (Binding b : points) {
      PointSpec spec = b.spec();
      if (spec.reported()) {
        Future<CommandResult> f =
            cluster.setReporting(
                spec.attributeId(), minSeconds, maxSeconds, spec.reportableChange());
        if (!setup.reportingStep(f, b.id())) {
          return false;
        }
      }
      if (spec.readable()) {
        readable.add(spec.attributeId());
      }
    }
    return readable.isEmpty() || setup.step(cluster.readAttributes(readable), where + " read");
  }

  /** The problems met setting a device up, one request at a time. */
  private static final class Setup {
    final List<String> problems = new ArrayList<>();
    private final Duration timeout;

    Setup(Duration timeout) {
      this.timeout = timeout;
    }

    /** Waits for one request; false when the device did not answer it. */
    boolean step(Future<CommandResult> future, String what) {
      Answer a = await(future, timeout, what);
      a.problem().ifPresent(problems::add);
      return a.answered();
    }

    /** As {@link #step}, and a refusal in the Configure Reporting answer is a problem too. */
    boolean reportingStep(Future<CommandResult> future, PointId point) {
      Answer a = await(future, timeout, point + " configure reporting");
      if (a.problem().isPresent()) {
        problems.add(a.problem().get());
        return a.answered();
      }
      try {
        reportingRefused(point, future.get().getResponse()).ifPresent(problems::add);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | CancellationException e) {
        problems.add(point + " configure reporting: no answer");
        return false;
      }
      return true;
    }
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
      ZigBeeEndpoint ep = n.getEndpoint(b.endpointId());
      ZclCluster cluster = ep == null ? null : ep.getInputCluster(b.spec().clusterId());
      if (cluster != null && b.spec().readable()) {
        byCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(b.spec().attributeId());
      }
    }
    for (Map.Entry<ZclCluster, List<Integer>> e : byCluster.entrySet()) {
      Answer a = await(e.getKey().readAttributes(e.getValue()), timeout, "read");
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
    ZigBeeEndpoint ep = n == null ? null : n.getEndpoint(b.endpointId());
    ZclCluster cluster = ep == null ? null : ep.getInputCluster(b.spec().clusterId());
    if (cluster == null) {
      return WriteResult.rejected(command, name + " is not discovered yet");
    }
    PointValue value = command.value();
    Future<CommandResult> future;
    switch (b.spec().write()) {
      case ON_OFF -> {
        Boolean on = Values.asBool(value);
        if (on == null) {
          return WriteResult.rejected(command, b.id() + " takes a bool, got " + value.type());
        }
        future = ((ZclOnOffCluster) cluster).sendCommand(on ? new OnCommand() : new OffCommand());
      }
      case TOGGLE -> {
        if (!Boolean.TRUE.equals(Values.asBool(value))) {
          return WriteResult.rejected(command, b.id() + ": write true to toggle");
        }
        future = ((ZclOnOffCluster) cluster).sendCommand(new ToggleCommand());
      }
      case LEVEL -> {
        Long level = Values.asLong(value);
        if (level == null || level < 0 || level > 254) {
          return WriteResult.rejected(command, b.id() + " takes an integer 0..254, got " + value);
        }
        future =
            ((ZclLevelControlCluster) cluster)
                .sendCommand(new MoveToLevelWithOnOffCommand(level.intValue(), 0));
      }
      case UINT16_ATTRIBUTE -> {
        Long v = Values.asLong(value);
        if (v == null || v < 0 || v > 0xFFFF) {
          return WriteResult.rejected(command, b.id() + " takes an integer 0..65535, got " + value);
        }
        future =
            cluster.writeAttribute(
                b.spec().attributeId(), ZclDataType.UNSIGNED_16_BIT_INTEGER, v.intValue());
      }
      default -> {
        return WriteResult.rejected(command, b.id() + " is read-only");
      }
    }
    return outcome(command, future, timeout, undelivered);
  }

  /**
   * Turns the library's command result into a write result: FAILED when the device answered with an
   * error or the coordinator reported that it could not deliver the command ({@code undelivered}:
   * the library fails such a transaction like one that got no answer), TIMEOUT when nothing came
   * back.
   */
  public static WriteResult outcome(
      WriteCommand command,
      Future<CommandResult> future,
      Duration timeout,
      Supplier<Optional<String>> undelivered) {
    if (future == null) {
      return WriteResult.failed(command, "not sent: the Zigbee network is stopping");
    }
    CommandResult result;
    try {
      result = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return WriteResult.timeout(command, "interrupted");
    } catch (ExecutionException | CancellationException e) {
      return notAnswered(command, undelivered, "no answer from the device");
    } catch (TimeoutException e) {
      future.cancel(true);
      return notAnswered(
          command, undelivered, "no answer from the device in " + timeout.toMillis() + " ms");
    }
    if (result == null || result.isTimeout()) {
      return notAnswered(
          command, undelivered, "no answer from the device in " + timeout.toMillis() + " ms");
    }
    Object response = result.getResponse();
    if (response instanceof DefaultResponse d && d.getStatusCode() != ZclStatus.SUCCESS) {
      return WriteResult.failed(command, "device answered " + d.getStatusCode());
    }
    if (response instanceof WriteAttributesResponse w) {
      for (WriteAttributeStatusRecord r : w.getRecords()) {
        if (r.getStatus() != ZclStatus.SUCCESS) {
          return WriteResult.failed(command, "device answered " + r.getStatus());
        }
      }
    }
    if (result.isError()) {
      return WriteResult.failed(command, "device answered status " + result.getStatusCode());
    }
    return WriteResult.ok(command);
  }

  private static WriteResult notAnswered(
      WriteCommand command, Supplier<Optional<String>> undelivered, String why) {
    Optional<String> status = undelivered.get();
    return status.isPresent()
        ? WriteResult.failed(command, "not delivered: the coordinator reports " + status.get())
        : WriteResult.timeout(command, why);
  }

  /** What became of one request: {@code answered} is false when the device did not answer. */
  private record Answer(Optional<String> problem, boolean answered) {
    static final Answer OK = new Answer(Optional.empty(), true);

    static Answer problem(String problem, boolean answered) {
      return new Answer(Optional.of(problem), answered);
    }
  }

  private static Answer await(Future<CommandResult> future, Duration timeout, String what) {
    if (future == null) {
      return Answer.problem(what + ": not sent (the network is stopping)", false);
    }
    try {
      CommandResult r = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (r == null || r.isTimeout()) {
        return Answer.problem(what + ": no answer", false);
      }
      if (r.isError()) {
        return Answer.problem(what + ": status " + r.getStatusCode(), true);
      }
      return Answer.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.problem(what + ": interrupted", false);
    } catch (ExecutionException | CancellationException | TimeoutException e) {
      future.cancel(true);
      return Answer.problem(what + ": no answer", false);
    }
  }

  /**
   * Whether a Configure Reporting answer refuses: either one status for everything or, when not all
   * succeeded, one record per attribute (ZCL 2.5.8.1), e.g. UNREPORTABLE_ATTRIBUTE from a device
   * that can only be polled. The library gives the records with a null status.
   */
  static Optional<String> reportingRefused(PointId point, Object response) {
    if (!(response instanceof ConfigureReportingResponse c)) {
      return Optional.empty();
    }
    if (c.getStatus() != null && c.getStatus() != ZclStatus.SUCCESS) {
      return Optional.of(point + " configure reporting: " + c.getStatus());
    }
    if (c.getRecords() != null) {
      for (AttributeStatusRecord r : c.getRecords()) {
        if (r.getStatus() != null && r.getStatus() != ZclStatus.SUCCESS) {
          return Optional.of(point + " configure reporting: " + r.getStatus());
        }
      }
    }
    return Optional.empty();
  }

  /** Health counters, snake_case. */
  public Map<String, Long> counters() {
    return counters.snapshot();
  }
}
