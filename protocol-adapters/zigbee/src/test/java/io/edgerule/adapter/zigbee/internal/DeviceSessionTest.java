package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zsmartsystems.zigbee.IeeeAddress;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ValueType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Point names from endpoints and clusters, and attribute values becoming samples. */
class DeviceSessionTest {

  private static List<String> names(List<DeviceSession.Binding> plan) {
    return plan.stream().map(b -> b.id().toString()).toList();
  }

  @Test
  void namesPointsDeviceSlashPoint() {
    var plan =
        DeviceSession.plan(
            "kitchen_sensor", new TreeMap<>(Map.of(1, List.of(0x0000, 0x0003, 0x0402, 0x0405))));
    assertEquals(List.of("kitchen_sensor/temperature", "kitchen_sensor/humidity"), names(plan));
  }

  @Test
  void aClusterOnASecondEndpointGetsTheEndpointInItsName() {
    var plan =
        DeviceSession.plan(
            "double_switch", new TreeMap<>(Map.of(2, List.of(0x0006), 1, List.of(0x0006))));
    assertEquals(
        List.of(
            "double_switch/on_off",
            "double_switch/toggle",
            "double_switch/on_off_2",
            "double_switch/toggle_2"),
        names(plan));
    assertEquals(1, plan.get(0).endpointId());
    assertEquals(2, plan.get(2).endpointId());
  }

  @Test
  void definesPointsWithTypesAndALeavePoint() {
    PointTable table = new PointTable();
    DeviceSession light =
        new DeviceSession(
            new IeeeAddress("00124B0001ABCD04"), "hall_light", table, Clock.systemUTC());
    light.definePoints(new TreeMap<>(Map.of(1, List.of(0x0006, 0x0008))));
    assertEquals(
        List.of(
            new PointInfo(
                PointId.parse("hall_light/leave"), ValueType.BOOL, true, "zdo Mgmt_Leave_req"),
            new PointInfo(
                PointId.parse("hall_light/level"),
                ValueType.INT64,
                true,
                "zcl 0x0008/0x0000 endpoint 1"),
            new PointInfo(
                PointId.parse("hall_light/on_off"),
                ValueType.BOOL,
                true,
                "zcl 0x0006/0x0000 endpoint 1"),
            new PointInfo(
                PointId.parse("hall_light/toggle"),
                ValueType.BOOL,
                true,
                "zcl 0x0006 command endpoint 1")),
        table.list());
  }

  @Test
  void attributeReportsBecomeSamplesAndInvalidValuesBad() {
    PointTable table = new PointTable();
    List<PointSample> samples = new ArrayList<>();
    table.setSink(samples::add);
    DeviceSession sensor =
        new DeviceSession(
            new IeeeAddress("00124B0001ABCD01"), "kitchen_sensor", table, Clock.systemUTC());
    sensor.definePoints(new TreeMap<>(Map.of(1, List.of(0x0402))));
    sensor.onAttribute(1, 0x0402, 0x0000, 2150);
    sensor.onAttribute(1, 0x0402, 0x0000, -32768);
    sensor.onAttribute(2, 0x0402, 0x0000, 1000); // another endpoint: not this point
    assertEquals(2, samples.size());
    assertEquals(PointValue.of(21.5), samples.get(0).value());
    assertFalse(samples.get(1).quality().isGood());
    assertEquals("temperature not measured (0x8000)", samples.get(1).quality().reason());

    sensor.gone("device left the network");
    assertEquals("device left the network", samples.get(2).quality().reason());
    sensor.gone("device left the network");
    assertEquals(3, samples.size(), "the same quality is not repeated");
    sensor.onAttribute(1, 0x0402, 0x0000, 2200);
    assertTrue(samples.get(3).quality().isGood());
  }
}
