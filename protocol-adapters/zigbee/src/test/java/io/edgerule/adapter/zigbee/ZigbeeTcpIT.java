package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointInfo;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ValueType;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.sim.zigbee.VirtualDevice;
import io.edgerule.sim.zigbee.ZigbeeSimulator;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter against the independent XBee coordinator simulator over TCP (as with ser2net or an
 * Ethernet coordinator): pairing, reports, commands, restart without re-pairing, and every fault
 * the simulator can inject.
 */
class ZigbeeTcpIT {
  private static final long SENSOR = 0x00124B0001ABCD01L;
  private static final long MOTION = 0x00124B0001ABCD02L;
  private static final long PLUG = 0x00124B0001ABCD03L;
  private static final long LIGHT = 0x00124B0001ABCD04L;
  private static final Map<String, String> NAMES =
      Map.of(
          "00124b0001abcd01", "kitchen_sensor",
          "00124b0001abcd02", "hall_motion",
          "00124b0001abcd03", "kettle_plug",
          "00124b0001abcd04", "hall_light");

  @TempDir Path state;

  private static String port(ZigbeeSimulator sim) {
    return "tcp://127.0.0.1:" + sim.tcpPort();
  }

  @Test
  void devicesJoinReportAndObeyCommands() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(21.5);
    sensor.setHumidity(40);
    VirtualDevice motion = VirtualDevice.motionSensor(MOTION);
    VirtualDevice plug = VirtualDevice.smartPlug(PLUG);
    plug.setPowerDraw(1800);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    try (ZigbeeSimulator sim =
            ZigbeeSimulator.builder()
                .device(sensor)
                .device(motion)
                .device(plug)
                .device(light)
                .startTcp(0);
        TestContext ctx = new TestContext(state);
        ZigbeeRig rig =
            new ZigbeeRig(ZigbeeRig.config(port(sim), NAMES, Duration.ofMinutes(5), null), ctx)) {
      assertFalse(sim.permitJoinOpen(), "joining is closed until asked");
      rig.writeOk("zigbee/permit_join", PointValue.of(120L));
      rig.awaitValue("zigbee/permit_join", PointValue.of(120L));
      ZigbeeRig.await(sim::permitJoinOpen, ZigbeeRig.WAIT, "the coordinator opens joining");

      rig.awaitValue("kitchen_sensor/temperature", PointValue.of(21.5));
      rig.awaitValue("kitchen_sensor/humidity", PointValue.of(40.0));
      rig.awaitValue("hall_motion/occupancy", PointValue.of(false));
      // ZCL illuminance is 10000 * log10(lx) + 1 as an integer: 300 lx comes back as 299.985 lx
      rig.sink.await(
          s ->
              s.point().equals(PointId.parse("hall_motion/illuminance"))
                  && Math.abs(s.value().asDouble() - 300) < 0.05,
          ZigbeeRig.WAIT,
          "illuminance 300 lx");
      rig.awaitValue("kettle_plug/on_off", PointValue.of(false));
      rig.awaitValue("kettle_plug/voltage", PointValue.of(230.0));
      rig.awaitValue("hall_light/level", PointValue.of(254L));

      List<PointInfo> points = rig.adapter.points();
      assertTrue(
          points.contains(
              new PointInfo(
                  PointId.parse("hall_light/on_off"),
                  ValueType.BOOL,
                  true,
                  "zcl 0x0006/0x0000 endpoint 1")),
          "points() grew with the discovered devices: " + points);

      // reports follow the physical world
      sensor.setTemperature(22.25);
      rig.awaitValue("kitchen_sensor/temperature", PointValue.of(22.25));
      motion.setOccupied(true);
      rig.awaitValue("hall_motion/occupancy", PointValue.of(true));

      // commands: on/off, level, toggle, attribute write
      rig.writeOk("hall_light/on_off", PointValue.of(true));
      assertTrue(light.isOn());
      rig.awaitValue("hall_light/on_off", PointValue.of(true));
      rig.writeOk("hall_light/level", PointValue.of(128L));
      assertEquals(128, light.level());
      rig.awaitValue("hall_light/level", PointValue.of(128L));
      rig.writeOk("hall_light/toggle", PointValue.of(true));
      assertFalse(light.isOn());
      rig.writeOk("kettle_plug/on_off", PointValue.of(true));
      // a steady 1800 W load (setPowerDraw): exact readings prove the 0.1 W and mA scaling
      rig.awaitValue("kettle_plug/power", PointValue.of(1800.0));
      rig.awaitValue("kettle_plug/current", PointValue.of(7.826));
      rig.writeOk("hall_motion/occupancy_timeout", PointValue.of(300L));
      assertEquals(300, motion.occupancyTimeoutSeconds());

      // refused before reaching the device
      WriteResult readOnly = rig.write("kitchen_sensor/temperature", PointValue.of(30.0));
      assertEquals(WriteResult.Status.REJECTED, readOnly.status());
      WriteResult outOfRange = rig.write("hall_light/level", PointValue.of(300L));
      assertEquals(WriteResult.Status.REJECTED, outOfRange.status());
      assertTrue(outOfRange.detail().contains("0..254"), outOfRange.detail());
      WriteResult unknown = rig.write("nowhere/on_off", PointValue.of(true));
      assertEquals(WriteResult.Status.REJECTED, unknown.status());

      rig.writeOk("zigbee/permit_join", PointValue.of(0L));
      ZigbeeRig.await(() -> !sim.permitJoinOpen(), ZigbeeRig.WAIT, "joining closes");
      assertEquals(4, sim.totalJoins());
    }
  }

  @Test
  void restartResumesTheNetworkWithoutRepairing() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(20.0);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    try (ZigbeeSimulator sim = ZigbeeSimulator.builder().device(sensor).device(light).startTcp(0);
        TestContext ctx = new TestContext(state)) {
      ZigbeeCoordinatorConfig config =
          ZigbeeRig.config(port(sim), NAMES, Duration.ofMinutes(5), null);
      try (ZigbeeRig first = new ZigbeeRig(config, ctx)) {
        first.writeOk("zigbee/permit_join", PointValue.of(60L));
        first.awaitValue("kitchen_sensor/temperature", PointValue.of(20.0));
        first.awaitValue("hall_light/on_off", PointValue.of(false));
        first.writeOk("zigbee/permit_join", PointValue.of(0L));
      }
      assertEquals(2, sim.totalJoins());
      ZigbeeRig.await(() -> !sim.permitJoinOpen(), ZigbeeRig.WAIT, "joining closed");
      ZigbeeRig.await(
          () -> ZigbeeRig.libraryThreads().isEmpty(),
          ZigbeeRig.WAIT,
          "the Zigbee library's threads stop on close: " + ZigbeeRig.libraryThreads());

      ZigbeeCoordinatorAdapter notStarted = new ZigbeeCoordinatorAdapter(config, ctx.context);
      assertTrue(
          notStarted.points().stream()
              .anyMatch(p -> p.id().equals(PointId.parse("kitchen_sensor/temperature"))),
          "stored devices are listed before start: " + notStarted.points());
      notStarted.close();

      try (ZigbeeRig second = new ZigbeeRig(config, ctx)) {
        // online means the stored devices are ready: a write right away reaches the light
        second.writeOk("hall_light/on_off", PointValue.of(true));
        assertTrue(light.isOn());
        sensor.setTemperature(23.5);
        second.awaitValue("kitchen_sensor/temperature", PointValue.of(23.5));
        assertEquals(2, sim.totalJoins(), "no device joined again");
        assertFalse(sim.permitJoinOpen(), "the restart did not open joining");
      }
    }
  }

  @Test
  void aDongleThatIsNotThereYetIsRetriedUntilItIs() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort(); // free now; nothing listens there until the simulator starts
    }
    try (TestContext ctx = new TestContext(state)) {
      ZigbeeCoordinatorConfig config =
          ZigbeeRig.config("tcp://127.0.0.1:" + port, NAMES, Duration.ofMinutes(5), null);
      Recorder sink = new Recorder();
      try (ZigbeeCoordinatorAdapter adapter = new ZigbeeCoordinatorAdapter(config, ctx.context)) {
        adapter.start(sink).toCompletableFuture().get(60, TimeUnit.SECONDS);
        sink.await(
            s ->
                s.point().equals(PointId.parse("zigbee/online"))
                    && PointValue.of(false).equals(s.value()),
            ZigbeeRig.WAIT,
            "online = false while the dongle is absent");
        var coordinator = adapter.health().devices().get(0);
        assertEquals(AdapterHealth.State.DOWN, coordinator.state());
        assertTrue(
            coordinator.lastError().contains("did not initialise")
                && coordinator.lastError().contains("tcp 127.0.0.1:" + port),
            coordinator.lastError());
        WriteResult refused =
            adapter
                .write(
                    new WriteCommand(
                        PointId.parse("zigbee/permit_join"), PointValue.of(60L), "test"))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertEquals(WriteResult.Status.TIMEOUT, refused.status());
        assertTrue(refused.detail().startsWith("coordinator offline"), refused.detail());

        try (ZigbeeSimulator sim =
            ZigbeeSimulator.builder().device(VirtualDevice.light(LIGHT)).startTcp(port)) {
          sink.await(
              s ->
                  s.point().equals(PointId.parse("zigbee/online"))
                      && PointValue.of(true).equals(s.value()),
              ZigbeeRig.WAIT,
              "online once the dongle is there");
          assertEquals(AdapterHealth.State.UP, adapter.health().state());
          assertTrue(sim.framesFromHost() > 0);
        }
      }
    }
  }

  @Test
  void faultsAreSurvivedWithClearQuality() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(19.0);
    VirtualDevice motion = VirtualDevice.motionSensor(MOTION);
    VirtualDevice plug = VirtualDevice.smartPlug(PLUG);
    VirtualDevice pollOnlyLight = VirtualDevice.light(LIGHT).refuseReporting();
    try (ZigbeeSimulator sim =
            ZigbeeSimulator.builder()
                .device(sensor)
                .device(motion)
                .device(plug)
                .device(pollOnlyLight)
                .startTcp(0);
        TestContext ctx = new TestContext(state);
        ZigbeeRig rig =
            new ZigbeeRig(
                ZigbeeRig.config(port(sim), NAMES, Duration.ofSeconds(2), Duration.ofSeconds(5)),
                ctx)) {
      rig.writeOk("zigbee/permit_join", PointValue.of(60L));
      rig.awaitValue("kitchen_sensor/temperature", PointValue.of(19.0));
      rig.awaitValue("hall_motion/occupancy", PointValue.of(false));
      rig.awaitValue("kettle_plug/on_off", PointValue.of(false));

      // a device that refuses reporting is read once and its health says why it is not UP
      rig.awaitValue("hall_light/on_off", PointValue.of(false));
      ZigbeeRig.await(
          () -> rig.deviceHealth("hall_light").lastError().contains("UNREPORTABLE_ATTRIBUTE"),
          ZigbeeRig.WAIT,
          "hall_light's refused reporting in its health");
      assertEquals(AdapterHealth.State.STARTING, rig.deviceHealth("hall_light").state());

      // a frame with a bad checksum is dropped and counted; the next report gets through
      sim.injectBadChecksum();
      ZigbeeRig.await(() -> rig.counter("checksum_errors") == 1, ZigbeeRig.WAIT, "checksum error");
      sensor.setTemperature(19.5);
      rig.awaitValue("kitchen_sensor/temperature", PointValue.of(19.5));

      // a truncated frame does not swallow the frame after it
      sim.injectTruncatedFrame();
      sensor.setTemperature(20.5);
      rig.awaitValue("kitchen_sensor/temperature", PointValue.of(20.5));
      ZigbeeRig.await(
          () -> rig.counter("truncated_frames") == 1, ZigbeeRig.WAIT, "truncated frame counted");

      // the dongle resets: offline, then (after it) online again, and reports continue. The
      // mark is taken before the fault: the adapter may see it before resetDongle() returns.
      int beforeReset = rig.sink.size();
      long resetsBefore = rig.counter("dongle_resets");
      sim.resetDongle();
      int offline = rig.awaitAfter(beforeReset, "zigbee/online", PointValue.of(false));
      rig.awaitAfter(offline + 1, "zigbee/online", PointValue.of(true));
      assertEquals(resetsBefore + 1, rig.counter("dongle_resets"));
      sensor.setTemperature(21.0);
      rig.awaitValue("kitchen_sensor/temperature", PointValue.of(21.0));

      // the TCP connection drops (ser2net restart) with a request in flight: BAD, reconnected,
      // GOOD again, and the lost request does not hold the next ones (the library would wait 10 s
      // for its answer; the write below has 3 s)
      int beforeDrop = rig.sink.size();
      long lostBefore = rig.counter("requests_lost");
      sim.dropConnectionOnNextHostFrame();
      rig.write("hall_motion/occupancy_timeout", PointValue.of(120L)); // this or another is lost
      int lost =
          rig.awaitBadAfter(
              beforeDrop, "kitchen_sensor/temperature", "coordinator connection lost");
      rig.awaitGoodAfter(lost + 1, "kitchen_sensor/temperature");
      assertTrue(rig.counter("reconnects") >= 1);
      assertTrue(rig.counter("requests_lost") > lostBefore, "the lost request was answered");
      rig.writeOk("hall_motion/occupancy_timeout", PointValue.of(300L));
      assertEquals(300, motion.occupancyTimeoutSeconds());

      // devices leave by themselves: silent, not found, BAD "device left the network" - also
      // the one whose reporting was never set up (it is probed like the others)
      int beforeLeaving = rig.sink.size();
      sim.deviceLeaves(PLUG);
      sim.deviceLeaves(LIGHT);
      rig.awaitBadAfter(beforeLeaving, "kettle_plug/on_off", "device left the network");
      rig.awaitBadAfter(beforeLeaving, "hall_light/on_off", "device left the network");
      sensor.setTemperature(21.5);
      rig.awaitValue("kitchen_sensor/temperature", PointValue.of(21.5));

      // a device asked to leave
      rig.writeOk("hall_motion/leave", PointValue.of(true));
      rig.awaitBad("hall_motion/occupancy", "leave requested by test");
      assertEquals(VirtualDevice.State.LEFT, motion.state());
      WriteResult toLeft = rig.write("kettle_plug/on_off", PointValue.of(true));
      assertEquals(WriteResult.Status.FAILED, toLeft.status(), "a device that left: " + toLeft);
      assertTrue(
          toLeft.detail().contains("ADDRESS_NOT_FOUND (0x24)"),
          "the coordinator says why: " + toLeft.detail());
    }
  }
}
