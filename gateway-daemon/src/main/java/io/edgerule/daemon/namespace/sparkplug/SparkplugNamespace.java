package io.edgerule.daemon.namespace.sparkplug;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.CommandResult;
import io.edgerule.daemon.namespace.FleetCommand;
import io.edgerule.daemon.namespace.FleetNamespace;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import io.edgerule.mqtt.outbox.Publisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;

/**
 * The Sparkplug B namespace (docs/reference/mqtt.md, "Sparkplug B namespace"): the gateway is an
 * edge node, each device a Sparkplug device. NBIRTH/NDEATH carry the bdSeq of the connection (the
 * NDEATH is the last will), DBIRTH/DDEATH follow device health, point events are DDATA by alias,
 * the gateway's other events are node metrics in NDATA. Every message of the node and its devices
 * is numbered 0-255 in the order it is handed out.
 *
 * <p>Sparkplug allows data only between a birth and a death: events of a device that is not born
 * (down, or the node not connected) are not sent but kept as the latest value of each point, which
 * the next DBIRTH carries. All state is guarded by this object's lock, under which messages are
 * numbered and handed to {@code out}.
 */
public final class SparkplugNamespace implements FleetNamespace {
  static final String BD_SEQ = "bdSeq";
  static final String STATE = "Gateway/State";
  static final String WRITE_RESULT = "Gateway/Write Result";
  static final String COMMAND_RESULT = "Gateway/Command Result";
  static final String RULE_PUBLICATION = "Rules/Publication";
  static final String ALARMS = "Alarms/";

  private final SparkplugTopics topics;
  private final BdSeqFile bdSeqFile;
  private final Clock clock;
  private final Supplier<List<PointInfo>> points;
  private final FleetNamespace json;
  private final SparkplugCommandDecoder decoder;

  private final Epochs epochs = new Epochs();
  private SparkplugLink link;
  private final MetricAliases aliases = new MetricAliases();
  private final Map<PointId, PointEvent> latest = new HashMap<>();
  private final Set<String> devicesUp = new HashSet<>();
  private final Set<String> devicesBorn = new HashSet<>();

  /** rule/alarm → latest change, in first-seen order; every one is a node metric of the births. */
  private final Map<String, AlarmChange> alarms = new LinkedHashMap<>();

  /** Alarm metrics the current NBIRTH declared; a new one needs a new birth first. */
  private final Set<String> alarmsBorn = new HashSet<>();

  private final Map<String, String> nodeTexts = new HashMap<>();
  private long bdSeq = -1;
  private boolean born;
  private boolean pointsAliased;

  /**
   * @param bdSeqFile where the next bdSeq is kept across restarts (in the gateway's state dir)
   * @param points every point the gateway's devices offer (a device's DBIRTH lists its points)
   * @param json the JSON namespace: the state, write and command results are node metrics of type
   *     String holding its JSON bodies, so both namespaces say the same in them
   */
  public SparkplugNamespace(
      String groupId,
      String edgeNodeId,
      Path bdSeqFile,
      Clock clock,
      Supplier<List<PointInfo>> points,
      FleetNamespace json) {
    this.topics = new SparkplugTopics(groupId, edgeNodeId);
    this.bdSeqFile = new BdSeqFile(bdSeqFile);
    this.clock = clock;
    this.points = points;
    this.json = json;
    this.decoder = new SparkplugCommandDecoder(topics);
    for (String m :
        List.of(
            SparkplugCommandDecoder.REBIRTH,
            STATE,
            WRITE_RESULT,
            COMMAND_RESULT,
            RULE_PUBLICATION,
            SparkplugCommandDecoder.RELOAD)) { // last: the earlier aliases stay as they were
      aliases.node(m); // fixed aliases for the node's own metrics, whatever comes later
    }
  }

  @Override
  public String name() {
    return "sparkplug";
  }

  // ---- connection lifecycle ----

  /**
   * NDEATH with the bdSeq of the coming connection; the next NBIRTH carries the same. Asked before
   * each new connection, so it also means that the last one is gone: nothing more is sent until the
   * next {@link #birth} (the broker sent the NDEATH for us).
   */
  @Override
  public synchronized OutboundMessage will() {
    born = false;
    devicesBorn.clear();
    epochs.ended();
    if (link != null) {
      link.connectionEnded();
    }
    bdSeq = bdSeqFile.take();
    return ndeath();
  }

  private OutboundMessage ndeath() {
    byte[] payload =
        SparkplugMetrics.encode(
            clock.instant(),
            null,
            List.of(SparkplugMetrics.metric(BD_SEQ, -1, MetricDataType.Int64, bdSeq, null, null)),
            null);
    return new OutboundMessage(
        topics.node(MessageType.NDEATH), payload, 1, false, MessageClass.BIRTH_DEATH);
  }

  /** NBIRTH (seq 0) and a DBIRTH for every device that is up: the node's whole current picture. */
  @Override
  public synchronized void birth(Consumer<OutboundMessage> out) {
    if (bdSeq < 0) {
      bdSeq = bdSeqFile.take(); // will() was not asked (no last will registered)
    }
    Instant now = clock.instant();
    List<Metric> metrics = new ArrayList<>();
    metrics.add(SparkplugMetrics.metric(BD_SEQ, -1, MetricDataType.Int64, bdSeq, null, null));
    metrics.add(nodeMetric(SparkplugCommandDecoder.REBIRTH, MetricDataType.Boolean, false, null));
    metrics.add(nodeMetric(SparkplugCommandDecoder.RELOAD, MetricDataType.Boolean, false, null));
    for (String m : List.of(STATE, WRITE_RESULT, COMMAND_RESULT)) {
      metrics.add(nodeMetric(m, MetricDataType.String, nodeTexts.get(m), null));
    }
    metrics.add(nodeMetric(RULE_PUBLICATION, MetricDataType.Bytes, null, null));
    alarmsBorn.clear();
    for (AlarmChange a : alarms.values()) {
      metrics.add(alarmMetric(a));
      alarmsBorn.add(alarmName(a));
    }
    out.accept(
        new OutboundMessage(
            topics.node(MessageType.NBIRTH),
            SparkplugMetrics.encode(now, 0L, metrics, epochs.nodeBorn()),
            0,
            false,
            MessageClass.BIRTH_DEATH));
    born = true;
    devicesBorn.clear();
    for (String device : new java.util.TreeSet<>(devicesUp)) {
      dbirth(device, out);
    }
  }

  @Override
  public synchronized void death(GatewayState finalState, Consumer<OutboundMessage> out) {
    if (bdSeq >= 0) {
      out.accept(ndeath());
    }
    born = false;
    devicesBorn.clear();
  }

  // ---- devices ----

  /**
   * A device came up or went down (its health): DBIRTH with its points' latest values, or DDEATH.
   * Repeating the current state sends nothing.
   */
  @Override
  public synchronized void deviceHealth(String device, boolean up, Consumer<OutboundMessage> out) {
    if (up) {
      devicesUp.add(device);
      if (born && !devicesBorn.contains(device)) {
        dbirth(device, out);
      }
    } else {
      devicesUp.remove(device);
      if (devicesBorn.remove(device)) {
        epochs.deviceDied(device);
        out.accept(
            new OutboundMessage(
                topics.device(MessageType.DDEATH, device),
                SparkplugMetrics.encode(clock.instant(), null, List.of(), null),
                0,
                false,
                MessageClass.BIRTH_DEATH));
      }
    }
  }

  /**
   * Gives every point its alias in point-id order the first time one is needed: the same config
   * gives the same aliases after a restart. (The points are known only once the adapters exist.)
   */
  private void aliasPoints() {
    if (!pointsAliased) {
      points.get().stream().map(PointInfo::id).sorted().forEach(aliases::point);
      pointsAliased = true;
    }
  }

  private void dbirth(String device, Consumer<OutboundMessage> out) {
    aliasPoints();
    List<Metric> metrics = new ArrayList<>();
    Map<String, PointInfo> mine = new TreeMap<>();
    for (PointInfo p : points.get()) {
      if (p.id().device().equals(device)) {
        mine.put(p.id().point(), p);
      }
    }
    for (PointInfo p : mine.values()) {
      metrics.add(
          SparkplugMetrics.point(
              p.id().point(), aliases.point(p.id()), p.type(), latest.get(p.id())));
    }
    out.accept(
        new OutboundMessage(
            topics.device(MessageType.DBIRTH, device),
            SparkplugMetrics.encode(clock.instant(), null, metrics, epochs.deviceBorn(device)),
            0,
            false,
            MessageClass.BIRTH_DEATH));
    devicesBorn.add(device);
  }

  // ---- outbound events ----

  @Override
  public synchronized void telemetry(PointEvent event, Consumer<OutboundMessage> out) {
    telemetryBatch(event.point().device(), List.of(event), out);
  }

  @Override
  public synchronized void telemetryBatch(
      String device, List<PointEvent> events, Consumer<OutboundMessage> out) {
    aliasPoints();
    List<Metric> metrics = new ArrayList<>(events.size());
    Map<PointId, PointInfo> known = pointsById();
    for (PointEvent e : events) {
      latest.put(e.point(), e);
      PointInfo info = known.get(e.point());
      if (info != null) { // a point no DBIRTH declares cannot be sent (adapter bug)
        // Name and alias: the link sends the alias when current, the name when historical.
        metrics.add(
            SparkplugMetrics.point(e.point().point(), aliases.point(e.point()), info.type(), e));
      }
    }
    if (!metrics.isEmpty()) { // also outside a session: stored, sent as historical data
      out.accept(
          new OutboundMessage(
              topics.device(MessageType.DDATA, device),
              SparkplugMetrics.encode(clock.instant(), null, metrics, epochs.device(device)),
              0,
              false,
              MessageClass.TELEMETRY));
    }
  }

  private Map<PointId, PointInfo> pointsById() {
    Map<PointId, PointInfo> m = new HashMap<>();
    for (PointInfo p : points.get()) {
      m.put(p.id(), p);
    }
    return m;
  }

  /**
   * {@code Alarms/<rule>/<alarm>} (Boolean, properties Severity and Message). An alarm seen for the
   * first time is not in the current NBIRTH: the node is born again with it (Sparkplug allows no
   * metric in NDATA that its NBIRTH did not declare).
   */
  @Override
  public synchronized void alarm(AlarmChange change, Consumer<OutboundMessage> out) {
    String name = alarmName(change);
    alarms.put(change.rule() + "/" + change.alarm(), change);
    if (born && !alarmsBorn.contains(name)) {
      birth(out);
      return;
    }
    ndata(List.of(alarmMetric(change)), MessageClass.ALARM, out);
  }

  private static String alarmName(AlarmChange a) {
    return ALARMS + a.rule() + "/" + a.alarm();
  }

  private Metric alarmMetric(AlarmChange a) {
    PropertySet props = new PropertySet();
    props.put(
        "Severity",
        SparkplugMetrics.property(PropertyDataType.Int32, a.active() ? a.severity() : 0));
    props.put(
        "Message",
        SparkplugMetrics.property(PropertyDataType.String, a.active() ? a.message() : ""));
    String name = alarmName(a);
    return SparkplugMetrics.metric(
        name, aliases.node(name), MetricDataType.Boolean, a.active(), a.time(), props);
  }

  @Override
  public synchronized void writeResult(
      WriteResult result, Instant time, Consumer<OutboundMessage> out) {
    nodeText(
        WRITE_RESULT, time, MessageClass.WRITE_RESULT, o -> json.writeResult(result, time, o), out);
  }

  @Override
  public synchronized void state(GatewayState state, Consumer<OutboundMessage> out) {
    nodeText(STATE, state.time(), MessageClass.STATE, o -> json.state(state, o), out);
  }

  @Override
  public synchronized void commandResult(CommandResult result, Consumer<OutboundMessage> out) {
    nodeText(
        COMMAND_RESULT,
        clock.instant(),
        MessageClass.COMMAND_RESULT,
        o -> json.commandResult(result, o),
        out);
  }

  /** A node metric of type String holding the JSON namespace's body for the same event. */
  private void nodeText(
      String metric,
      Instant time,
      MessageClass cls,
      Consumer<Consumer<OutboundMessage>> jsonBody,
      Consumer<OutboundMessage> out) {
    List<OutboundMessage> bodies = new ArrayList<>(1);
    jsonBody.accept(bodies::add);
    if (bodies.isEmpty()) {
      return;
    }
    String text = new String(bodies.get(bodies.size() - 1).payload(), StandardCharsets.UTF_8);
    nodeTexts.put(metric, text);
    ndata(List.of(nodeMetric(metric, MetricDataType.String, text, time)), cls, out);
  }

  /**
   * {@code Rules/Publication} (Bytes, properties Rule and Topic): one node metric for every rule's
   * publications, so a rule's new topic never needs a new birth. Exactly one message, as the rule
   * outbox counts it; QoS and retain of the rule are not Sparkplug's (all data is QoS 0).
   */
  @Override
  public synchronized OutboundMessage rulePublication(
      String rule, String topic, byte[] payload, int qos, boolean retain) {
    PropertySet props = new PropertySet();
    props.put("Rule", SparkplugMetrics.property(PropertyDataType.String, rule));
    props.put("Topic", SparkplugMetrics.property(PropertyDataType.String, topic));
    Instant now = clock.instant();
    Metric m =
        SparkplugMetrics.metric(
            RULE_PUBLICATION,
            aliases.node(RULE_PUBLICATION),
            MetricDataType.Bytes,
            payload,
            now,
            props);
    return new OutboundMessage(
        topics.node(MessageType.NDATA),
        SparkplugMetrics.encode(now, null, List.of(m), epochs.node()),
        0,
        false,
        MessageClass.RULE_PUBLICATION);
  }

  private Metric nodeMetric(String name, MetricDataType type, Object value, Instant time) {
    return SparkplugMetrics.metric(name, aliases.node(name), type, value, time, null);
  }

  /**
   * NDATA, also outside a session (stored, sent as historical data after the next NBIRTH). Name and
   * alias: the link sends the alias when current, the name when historical.
   */
  private void ndata(List<Metric> metrics, MessageClass cls, Consumer<OutboundMessage> out) {
    out.accept(
        new OutboundMessage(
            topics.node(MessageType.NDATA),
            SparkplugMetrics.encode(clock.instant(), null, metrics, epochs.node()),
            0,
            false,
            cls));
  }

  /**
   * Births and deaths straight to the broker, data through the outbox; seq numbered and history
   * marked on the wire ({@link SparkplugLink}).
   */
  @Override
  public synchronized Wire wire(Publisher transport) {
    link = new SparkplugLink(transport, clock::millis);
    return link;
  }

  // ---- inbound ----

  @Override
  public List<String> commandFilters() {
    return topics.commandFilters();
  }

  @Override
  public FleetCommand decode(String topic, byte[] payload) {
    List<FleetCommand> all = decodeAll(topic, payload);
    return all.get(0);
  }

  /** Every command of an NCMD or DCMD (one per metric). */
  @Override
  public List<FleetCommand> decodeAll(String topic, byte[] payload) {
    return decoder.decode(topic, payload, this::pointOfAlias, this::nodeMetricOfAlias);
  }

  private synchronized PointId pointOfAlias(long alias) {
    aliasPoints();
    return aliases.pointOf(alias);
  }

  private synchronized String nodeMetricOfAlias(long alias) {
    return aliases.nodeMetricOf(alias);
  }
}
