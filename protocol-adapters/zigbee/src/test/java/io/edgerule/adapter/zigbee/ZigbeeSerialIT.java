package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointValue;
import io.edgerule.sim.zigbee.SocatPty;
import io.edgerule.sim.zigbee.VirtualDevice;
import io.edgerule.sim.zigbee.ZigbeeSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter on a serial port: a socat pty pair (Debian package "socat"; the test fails if it is
 * missing), the simulator on one end, the adapter's jSerialComm port on the other.
 */
class ZigbeeSerialIT {
  private static final long SENSOR = 0x00124B0001ABCD01L;
  private static final long LIGHT = 0x00124B0001ABCD04L;
  private static final Map<String, String> NAMES =
      Map.of("00124b0001abcd01", "kitchen_sensor", "00124b0001abcd04", "hall_light");

  @TempDir Path tmp;

  @Test
  void pairsReportsCommandsAndResumesOverAPty() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(18.0);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    Path state = tmp.resolve("state");
    try (SocatPty cable = SocatPty.create(tmp.resolve("dongle"), tmp.resolve("ttyZigbee"));
        ZigbeeSimulator sim =
            ZigbeeSimulator.builder()
                .device(sensor)
                .device(light)
                .startSerial(cable.dongleEnd().toString(), 115200);
        TestContext ctx = new TestContext(state)) {
      ZigbeeCoordinatorConfig config =
          new ZigbeeCoordinatorConfig(
              "zigbee",
              cable.hostEnd().toString(),
              115200,
              ZigbeeCoordinatorConfig.FlowControl.NONE,
              ZigbeeCoordinatorConfig.Dongle.XBEE,
              15,
              null,
              null,
              null,
              Duration.ofSeconds(60), // join window opened at start
              NAMES,
              null,
              null,
              null,
              Duration.ofSeconds(3));
      try (ZigbeeRig rig = new ZigbeeRig(config, ctx)) {
        rig.awaitValue("zigbee/permit_join", PointValue.of(60L));
        rig.awaitValue("kitchen_sensor/temperature", PointValue.of(18.0));
        rig.awaitValue("hall_light/on_off", PointValue.of(false));
        rig.writeOk("hall_light/on_off", PointValue.of(true));
        assertTrue(light.isOn(), "the virtual light obeyed over the serial line");

        sim.injectTruncatedFrame();
        sim.injectBadChecksum();
        sensor.setTemperature(18.5);
        rig.awaitValue("kitchen_sensor/temperature", PointValue.of(18.5));
        ZigbeeRig.await(
            () -> rig.counter("truncated_frames") == 1 && rig.counter("checksum_errors") == 1,
            ZigbeeRig.WAIT,
            "both faults counted");
        rig.writeOk("zigbee/permit_join", PointValue.of(0L));
      }
      int joins = sim.totalJoins();
      assertEquals(2, joins);

      ZigbeeCoordinatorConfig noJoinWindow =
          new ZigbeeCoordinatorConfig(
              config.name(),
              config.port(),
              config.baud(),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              NAMES,
              null,
              null,
              null,
              null);
      try (ZigbeeRig again = new ZigbeeRig(noJoinWindow, ctx)) {
        sensor.setTemperature(19.25);
        again.awaitValue("kitchen_sensor/temperature", PointValue.of(19.25));
        again.writeOk("hall_light/on_off", PointValue.of(false));
        assertTrue(!light.isOn());
        assertEquals(joins, sim.totalJoins(), "resumed without re-pairing");
      }
    }
  }
}
