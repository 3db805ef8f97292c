package io.edgerule.daemon.namespace.sparkplug;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.CommandResult;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Sparkplug host decodes (with Tahu's decoder) from each message the namespace makes. */
class SparkplugNamespaceTest {
  static final Instant NOW = Instant.parse("2026-12-07T03:00:00Z");
  static final Instant READ = Instant.parse("2026-12-07T02:59:59.500Z");
  static final PointId LEVEL = new PointId("tank", "level");
  static final PointId PUMP = new PointId("tank", "pump");
  static final PointId ENERGY = new PointId("meter", "energy");
  static final List<PointInfo> POINTS =
      List.of(
          new PointInfo(PUMP, ValueType.BOOL, true, "coil 0"),
          new PointInfo(LEVEL, ValueType.FLOAT64, false, "input 0"),
          new PointInfo(ENERGY, ValueType.INT64, false, "input 2"));

  @TempDir Path dir;
  final List<OutboundMessage> sent = new ArrayList<>();

  SparkplugNamespace namespace() {
    return new SparkplugNamespace(
        "plant",
        "gw-1",
        dir.resolve("sparkplug-bdseq"),
        Clock.fixed(NOW, ZoneOffset.UTC),
        () -> POINTS,
        new FakeJsonNamespace());
  }

  static SparkplugBPayload decode(OutboundMessage m) throws Exception {
    return new SparkplugBPayloadDecoder().buildFromByteArray(m.payload(), null);
  }

  static Metric metric(SparkplugBPayload p, String name) {
    return p.getMetrics().stream()
        .filter(m -> name.equals(m.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + p));
  }

  static PointEvent event(PointId p, PointValue v, long seq) {
    return new PointEvent(p, v, Quality.GOOD, READ, NOW, seq);
  }

  @Test
  void willAndBirthCarryTheSameBdSeqWhichGoesOnAcrossRestartsAndWraps() throws Exception {
    SparkplugNamespace ns = namespace();
    OutboundMessage will = ns.will();
    assertEquals("spBv1.0/plant/NDEATH/gw-1", will.topic());
    assertEquals(1, will.qos());
    assertFalse(will.retain());
    assertEquals(MessageClass.BIRTH_DEATH, will.messageClass());
    SparkplugBPayload death = decode(will);
    assertNull(death.getSeq(), "an NDEATH has no seq");
    assertEquals(1, death.getMetrics().size());
    assertEquals(0L, metric(death, "bdSeq").getValue());

    ns.birth(sent::add);
    assertEquals(1, sent.size(), "no device is up yet: NBIRTH only");
    OutboundMessage nbirth = sent.get(0);
    assertEquals("spBv1.0/plant/NBIRTH/gw-1", nbirth.topic());
    assertEquals(0, nbirth.qos());
    SparkplugBPayload birth = decode(nbirth);
    assertEquals(0L, birth.getSeq());
    assertEquals(Date.from(NOW), birth.getTimestamp());
    assertEquals(0L, metric(birth, "bdSeq").getValue());
    assertEquals(MetricDataType.Int64, metric(birth, "bdSeq").getDataType());
    Metric rebirth = metric(birth, "Node Control/Rebirth");
    assertEquals(MetricDataType.Boolean, rebirth.getDataType());
    assertEquals(false, rebirth.getValue());
    assertTrue(rebirth.hasAlias());
    for (String name : List.of("Gateway/State", "Gateway/Write Result", "Gateway/Command Result")) {
      assertEquals(MetricDataType.String, metric(birth, name).getDataType(), name);
      assertTrue(metric(birth, name).isNull(), name + " has no value yet");
    }
    assertEquals(MetricDataType.Bytes, metric(birth, "Rules/Publication").getDataType());
    assertEquals(
        birth.getMetrics().size() - 1,
        birth.getMetrics().stream()
            .filter(Metric::hasAlias)
            .map(Metric::getAlias)
            .distinct()
            .count(),
        "every metric but bdSeq has its own alias");

    // a second connection of the same process: the next bdSeq
    assertEquals(1L, metric(decode(ns.will()), "bdSeq").getValue());
    // a restart: the file says 2
    SparkplugNamespace restarted = namespace();
    assertEquals(2L, metric(decode(restarted.will()), "bdSeq").getValue());
    sent.clear();
    restarted.birth(sent::add);
    assertEquals(2L, metric(decode(sent.get(0)), "bdSeq").getValue());
    // 255 is followed by 0
    Files.writeString(dir.resolve("sparkplug-bdseq"), "255\n");
    SparkplugNamespace late = namespace();
    assertEquals(255L, metric(decode(late.will()), "bdSeq").getValue());
    assertEquals(0L, metric(decode(late.will()), "bdSeq").getValue());
  }

  @Test
  void deviceBirthDataAndDeathFollowHealthWithAliases() throws Exception {
    SparkplugNamespace ns = namespace();
    ns.will();
    // a value that arrives before the device is born is kept for its DBIRTH, and made as data of
    // no session for the outbox (the link sends it as historical data)
    ns.telemetry(event(LEVEL, PointValue.of(81.25), 1), sent::add);
    assertEquals(Epochs.OFFLINE, decode(sent.get(0)).getUuid());
    sent.clear();
    ns.birth(sent::add);
    assertEquals(1, sent.size());
    ns.deviceHealth("tank", true, sent::add);
    ns.deviceHealth("tank", true, sent::add); // no change: nothing
    assertEquals(2, sent.size());
    OutboundMessage dbirth = sent.get(1);
    assertEquals("spBv1.0/plant/DBIRTH/gw-1/tank", dbirth.topic());
    assertEquals(MessageClass.BIRTH_DEATH, dbirth.messageClass());
    SparkplugBPayload b = decode(dbirth);
    assertNull(b.getSeq(), "numbered on the wire (SparkplugLink)");
    assertEquals(2, b.getMetrics().size(), "the tank's two points, not the meter's");
    Metric level = metric(b, "level");
    assertEquals(MetricDataType.Double, level.getDataType());
    assertEquals(81.25, level.getValue());
    assertEquals(Date.from(READ), level.getTimestamp());
    Metric pump = metric(b, "pump");
    assertEquals(MetricDataType.Boolean, pump.getDataType());
    assertTrue(pump.isNull(), "no value read yet");

    ns.telemetry(event(PUMP, PointValue.of(true), 2), sent::add);
    ns.telemetry(
        new PointEvent(LEVEL, null, Quality.bad("timeout after 1000 ms"), READ, NOW, 3), sent::add);
    assertEquals(4, sent.size());
    OutboundMessage ddata = sent.get(2);
    assertEquals("spBv1.0/plant/DDATA/gw-1/tank", ddata.topic());
    assertEquals(MessageClass.TELEMETRY, ddata.messageClass());
    assertEquals(0, ddata.qos());
    SparkplugBPayload d = decode(ddata);
    assertEquals(b.getUuid(), d.getUuid(), "made in the epoch of the tank's DBIRTH");
    Metric m = d.getMetrics().get(0);
    assertEquals("pump", m.getName(), "name and alias: the link sends one of them");
    assertEquals(pump.getAlias(), m.getAlias());
    assertEquals(true, m.getValue());
    assertNull(m.getProperties(), "a GOOD value carries no quality property");
    SparkplugBPayload bad = decode(sent.get(3));
    Metric badLevel = bad.getMetrics().get(0);
    assertEquals(level.getAlias(), badLevel.getAlias());
    assertTrue(badLevel.isNull());
    assertEquals(0, badLevel.getProperties().getPropertyValue("Quality").getValue());
    assertEquals(
        "timeout after 1000 ms",
        badLevel.getProperties().getPropertyValue("Quality Reason").getValue());

    ns.deviceHealth("tank", false, sent::add);
    assertEquals("spBv1.0/plant/DDEATH/gw-1/tank", sent.get(4).topic());
    SparkplugBPayload death = decode(sent.get(4));
    assertTrue(death.getMetrics().isEmpty());
    ns.telemetry(event(LEVEL, PointValue.of(12.5), 4), sent::add);
    assertEquals(Epochs.OFFLINE, decode(sent.get(5)).getUuid(), "data of a dead device");
    ns.deviceHealth("tank", true, sent::add);
    SparkplugBPayload reborn = decode(sent.get(6));
    assertEquals("spBv1.0/plant/DBIRTH/gw-1/tank", sent.get(6).topic());
    assertFalse(reborn.getUuid().equals(b.getUuid()), "a new epoch");
    assertEquals(12.5, metric(reborn, "level").getValue(), "the latest value, also while dead");
    assertEquals(level.getAlias(), metric(reborn, "level").getAlias(), "aliases stay");
    assertEquals(true, metric(reborn, "pump").getValue());
  }

  @Test
  void dataOutsideASessionIsOfflineAndTheNextBirthsCarryTheLatestValues() throws Exception {
    SparkplugNamespace ns = namespace();
    ns.deviceHealth("tank", true, sent::add);
    ns.deviceHealth("meter", true, sent::add);
    ns.telemetry(event(LEVEL, PointValue.of(1.0), 1), sent::add);
    assertEquals(List.of("spBv1.0/plant/DDATA/gw-1/tank"), topics(sent), "no births yet");
    assertEquals(Epochs.OFFLINE, decode(sent.get(0)).getUuid());
    sent.clear();
    ns.will();
    ns.birth(sent::add);
    assertEquals(
        List.of(
            "spBv1.0/plant/NBIRTH/gw-1",
            "spBv1.0/plant/DBIRTH/gw-1/meter",
            "spBv1.0/plant/DBIRTH/gw-1/tank"),
        sent.stream().map(OutboundMessage::topic).toList());
    ns.telemetry(event(ENERGY, PointValue.of(42L), 2), sent::add);
    assertEquals(decode(sent.get(1)).getUuid(), decode(sent.get(3)).getUuid(), "the meter's");
    assertEquals(42L, decode(sent.get(3)).getMetrics().get(0).getValue());
    ns.will(); // asked before the next connection: the last one is gone
    ns.telemetry(event(ENERGY, PointValue.of(43L), 3), sent::add);
    assertEquals(Epochs.OFFLINE, decode(sent.get(4)).getUuid(), "between connection and birth");
    sent.clear();
    ns.will();
    ns.birth(sent::add);
    assertEquals(List.of(0L), seqs(sent.subList(0, 1)), "an NBIRTH is seq 0");
    assertEquals(43L, metric(decode(sent.get(1)), "energy").getValue());
  }

  @Test
  void aNewAlarmRebirthsTheNodeThenChangesAreNodeData() throws Exception {
    SparkplugNamespace ns = namespace();
    ns.will();
    ns.deviceHealth("tank", true, sent::add);
    ns.birth(sent::add);
    sent.clear();
    Instant t = Instant.parse("2026-12-07T03:00:01Z");
    ns.alarm(AlarmChange.raised("overtemp", "high", 2, "tank at 81 C", t), sent::add);
    assertEquals(
        List.of("spBv1.0/plant/NBIRTH/gw-1", "spBv1.0/plant/DBIRTH/gw-1/tank"),
        sent.stream().map(OutboundMessage::topic).toList());
    assertEquals(0L, decode(sent.get(0)).getSeq());
    Metric alarm = metric(decode(sent.get(0)), "Alarms/overtemp/high");
    assertEquals(true, alarm.getValue());
    assertEquals(2, alarm.getProperties().getPropertyValue("Severity").getValue());
    assertEquals("tank at 81 C", alarm.getProperties().getPropertyValue("Message").getValue());
    assertEquals(Date.from(t), alarm.getTimestamp());
    String epoch = decode(sent.get(0)).getUuid();
    sent.clear();
    ns.alarm(AlarmChange.cleared("overtemp", "high", t.plusSeconds(5)), sent::add);
    assertEquals(1, sent.size());
    assertEquals("spBv1.0/plant/NDATA/gw-1", sent.get(0).topic());
    assertEquals(MessageClass.ALARM, sent.get(0).messageClass());
    SparkplugBPayload nd = decode(sent.get(0));
    assertEquals(epoch, nd.getUuid(), "made in the epoch of the new NBIRTH");
    assertEquals(alarm.getAlias(), nd.getMetrics().get(0).getAlias());
    assertEquals(false, nd.getMetrics().get(0).getValue());
  }

  @Test
  void resultsStateAndRulePublicationsAreNodeMetrics() throws Exception {
    SparkplugNamespace ns = namespace();
    ns.will();
    ns.birth(sent::add);
    Metric declared = metric(decode(sent.get(0)), "Gateway/Command Result");
    sent.clear();
    ns.commandResult(new CommandResult(null, "write", "OK", ""), sent::add);
    WriteCommand w = new WriteCommand(PUMP, PointValue.of(true), "mqtt:DCMD:tank/pump");
    ns.writeResult(WriteResult.ok(w), NOW, sent::add);
    OutboundMessage pub = ns.rulePublication("pump", "status", new byte[] {1, 2, 3}, 1, true);
    sent.add(pub);
    assertEquals(
        List.of(
            MessageClass.COMMAND_RESULT, MessageClass.WRITE_RESULT, MessageClass.RULE_PUBLICATION),
        sent.stream().map(OutboundMessage::messageClass).toList());
    Metric result = decode(sent.get(0)).getMetrics().get(0);
    assertEquals(declared.getAlias(), result.getAlias());
    assertEquals(FakeJsonNamespace.commandResult("write", "OK"), result.getValue());
    Metric publication = decode(pub).getMetrics().get(0);
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) publication.getValue());
    assertEquals("pump", publication.getProperties().getPropertyValue("Rule").getValue());
    assertEquals("status", publication.getProperties().getPropertyValue("Topic").getValue());
    // the next birth carries the latest results
    sent.clear();
    ns.birth(sent::add);
    assertEquals(
        FakeJsonNamespace.commandResult("write", "OK"),
        metric(decode(sent.get(0)), "Gateway/Command Result").getValue());
  }

  @Test
  void aliasesDependOnTheConfigNotOnWhichDeviceCameUpFirst() throws Exception {
    SparkplugNamespace first = namespace();
    first.will();
    first.deviceHealth("tank", true, sent::add);
    first.birth(sent::add);
    Metric level = metric(decode(sent.get(1)), "level");
    sent.clear();
    SparkplugNamespace second = namespace(); // a restart where the meter answers first
    second.will();
    second.deviceHealth("meter", true, sent::add);
    second.birth(sent::add);
    second.deviceHealth("tank", true, sent::add);
    assertEquals("spBv1.0/plant/DBIRTH/gw-1/tank", sent.get(2).topic());
    assertEquals(level.getAlias(), metric(decode(sent.get(2)), "level").getAlias());
  }

  static List<String> topics(List<OutboundMessage> messages) {
    return messages.stream().map(OutboundMessage::topic).toList();
  }

  static List<Long> seqs(List<OutboundMessage> messages) throws Exception {
    List<Long> out = new ArrayList<>();
    for (OutboundMessage m : messages) {
      out.add(decode(m).getSeq());
    }
    return out;
  }
}
