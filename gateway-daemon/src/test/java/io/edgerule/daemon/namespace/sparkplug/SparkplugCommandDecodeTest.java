package io.edgerule.daemon.namespace.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.daemon.namespace.FleetCommand;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NCMD and DCMD as a Sparkplug host encodes them (Tahu's encoder), read into fleet commands. */
class SparkplugCommandDecodeTest {
  static final String NCMD = "spBv1.0/plant/NCMD/gw-1";
  static final String DCMD_TANK = "spBv1.0/plant/DCMD/gw-1/tank";

  @TempDir Path dir;
  SparkplugNamespace ns;
  long pumpAlias;
  long levelAlias;
  long rebirthAlias;
  long reloadAlias;

  @BeforeEach
  void born() throws Exception {
    ns =
        new SparkplugNamespace(
            "plant",
            "gw-1",
            dir.resolve("bdseq"),
            Clock.fixed(SparkplugNamespaceTest.NOW, ZoneOffset.UTC),
            () -> SparkplugNamespaceTest.POINTS,
            new FakeJsonNamespace());
    List<OutboundMessage> sent = new ArrayList<>();
    ns.will();
    ns.deviceHealth("tank", true, sent::add);
    ns.birth(sent::add);
    SparkplugBPayloadDecoder d = new SparkplugBPayloadDecoder();
    SparkplugBPayload nbirth = d.buildFromByteArray(sent.get(0).payload(), null);
    SparkplugBPayload dbirth = d.buildFromByteArray(sent.get(1).payload(), null);
    rebirthAlias = SparkplugNamespaceTest.metric(nbirth, "Node Control/Rebirth").getAlias();
    reloadAlias = SparkplugNamespaceTest.metric(nbirth, "Node Control/Reload").getAlias();
    assertEquals(false, SparkplugNamespaceTest.metric(nbirth, "Node Control/Reload").getValue());
    pumpAlias = SparkplugNamespaceTest.metric(dbirth, "pump").getAlias();
    levelAlias = SparkplugNamespaceTest.metric(dbirth, "level").getAlias();
  }

  static byte[] payload(Metric... metrics) throws Exception {
    SparkplugBPayload p = new SparkplugBPayload(new Date(), List.of(metrics), null);
    return new SparkplugBPayloadEncoder().getBytes(p, false);
  }

  static Metric named(String name, MetricDataType type, Object value) throws Exception {
    return new Metric.MetricBuilder(name, type, value).createMetric();
  }

  static Metric aliased(long alias, MetricDataType type, Object value) throws Exception {
    return new Metric.MetricBuilder(alias, type, value).createMetric();
  }

  @Test
  void rebirthByNameOrAlias() throws Exception {
    assertInstanceOf(
        FleetCommand.Rebirth.class,
        ns.decode(NCMD, payload(named("Node Control/Rebirth", MetricDataType.Boolean, true))));
    assertInstanceOf(
        FleetCommand.Rebirth.class,
        ns.decode(NCMD, payload(aliased(rebirthAlias, MetricDataType.Boolean, true))));
    FleetCommand no =
        ns.decode(NCMD, payload(named("Node Control/Rebirth", MetricDataType.Boolean, false)));
    assertEquals(
        "Node Control/Rebirth must be the Boolean true, not false",
        ((FleetCommand.Invalid) no).detail());
    FleetCommand other =
        ns.decode(NCMD, payload(named("Node Control/Reboot", MetricDataType.Boolean, true)));
    assertEquals(
        "unknown node command metric 'Node Control/Reboot'; known: Node Control/Rebirth,"
            + " Node Control/Reload",
        ((FleetCommand.Invalid) other).detail());
  }

  @Test
  void reloadByNameOrAliasAsTheNbirthDeclaresIt() throws Exception {
    FleetCommand reload =
        ns.decode(NCMD, payload(named("Node Control/Reload", MetricDataType.Boolean, true)));
    assertInstanceOf(FleetCommand.Reload.class, reload);
    assertEquals("reload", ((FleetCommand.Reload) reload).name());
    assertInstanceOf(
        FleetCommand.Reload.class,
        ns.decode(NCMD, payload(aliased(reloadAlias, MetricDataType.Boolean, true))));
    FleetCommand no =
        ns.decode(NCMD, payload(named("Node Control/Reload", MetricDataType.Boolean, false)));
    assertEquals(
        "Node Control/Reload must be the Boolean true, not false",
        ((FleetCommand.Invalid) no).detail());
  }

  @Test
  void everyDcmdMetricIsAWriteOfThatDevicesPoint() throws Exception {
    List<FleetCommand> all =
        ns.decodeAll(
            DCMD_TANK,
            payload(
                named("pump", MetricDataType.Boolean, true),
                aliased(levelAlias, MetricDataType.Float, 2.5f),
                named("setpoint", MetricDataType.Int32, 7),
                named("big", MetricDataType.UInt64, BigInteger.valueOf(9)),
                named("label", MetricDataType.String, "on")));
    assertEquals(5, all.size());
    FleetCommand.Write pump = (FleetCommand.Write) all.get(0);
    assertEquals(new PointId("tank", "pump"), pump.point());
    assertEquals(PointValue.of(true), pump.value());
    assertEquals("write", pump.name());
    assertEquals("DCMD:tank/pump", pump.id().text());
    FleetCommand.Write level = (FleetCommand.Write) all.get(1);
    assertEquals(new PointId("tank", "level"), level.point());
    assertEquals(PointValue.of(2.5), level.value());
    assertEquals(PointValue.of(7L), ((FleetCommand.Write) all.get(2)).value());
    assertEquals(PointValue.of(9L), ((FleetCommand.Write) all.get(3)).value());
    assertEquals(PointValue.of("on"), ((FleetCommand.Write) all.get(4)).value());
  }

  @Test
  void whatCannotBeWrittenIsInvalidWithTheReason() throws Exception {
    assertEquals(
        "alias " + pumpAlias + " is no point of device 'meter'",
        invalid(
            "spBv1.0/plant/DCMD/gw-1/meter",
            payload(aliased(pumpAlias, MetricDataType.Boolean, true))));
    assertEquals(
        "alias 999 is no point of device 'tank'",
        invalid(DCMD_TANK, payload(aliased(999, MetricDataType.Boolean, true))));
    assertEquals(
        "'value' is missing (metric 'pump' is null)",
        invalid(DCMD_TANK, payload(named("pump", MetricDataType.Boolean, null))));
    assertEquals(
        "'value' NaN is not a finite number",
        invalid(DCMD_TANK, payload(named("level", MetricDataType.Double, Double.NaN))));
    assertEquals(
        "'value' 18446744073709551615 does not fit in 64 bits",
        invalid(
            DCMD_TANK,
            payload(
                named("level", MetricDataType.UInt64, new BigInteger("18446744073709551615")))));
    assertEquals("DCMD without metrics", invalid(DCMD_TANK, payload()));
    assertTrue(
        invalid(DCMD_TANK, new byte[] {(byte) 0xff, 1, 2})
            .startsWith("payload is not a Sparkplug B payload"));
    assertEquals(
        "topic 'spBv1.0/plant/DCMD/gw-2/tank' is not an NCMD or DCMD of this edge node",
        invalid(
            "spBv1.0/plant/DCMD/gw-2/tank", payload(named("pump", MetricDataType.Boolean, true))));
    assertEquals(
        "payload of 1048577 bytes; a command is at most 1048576",
        invalid(DCMD_TANK, new byte[1024 * 1024 + 1]));
    assertTrue(
        invalid("edgerule/gw-1/cmd/write", new byte[0])
            .startsWith("topic 'edgerule/gw-1/cmd/write' is not"));
    assertTrue(invalid(DCMD_TANK, null).equals("DCMD without metrics"));
  }

  private String invalid(String topic, byte[] payload) {
    FleetCommand c = ns.decode(topic, payload);
    return ((FleetCommand.Invalid) assertInstanceOf(FleetCommand.Invalid.class, c)).detail();
  }
}
