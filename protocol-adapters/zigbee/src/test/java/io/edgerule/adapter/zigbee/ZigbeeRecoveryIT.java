package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.WriteResult;
import io.edgerule.sim.zigbee.SocatPty;
import io.edgerule.sim.zigbee.VirtualDevice;
import io.edgerule.sim.zigbee.ZigbeeSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What independent testing against an XBee 3 coordinator emulator found (issue 12): a coordinator
 * that goes away and comes back with its devices rejoining late, a transmit the coordinator cannot
 * deliver, an announce of a known device, and the online point at start. Over TCP against the
 * simulator.
 */
class ZigbeeRecoveryIT {
  private static final long SENSOR = 0x00124B0001ABCD01L;
  private static final long LIGHT = 0x00124B0001ABCD04L;
  private static final long DONGLE = 0x0013A20041A2B3C4L;
  private static final int PAN = 0x1A2B;
  private static final long EXTENDED_PAN = 0x00124B0000ABCDEFL;
  private static final Map<String, String> NAMES =
      Map.of("00124b0001abcd01", "kitchen_sensor", "00124b0001abcd04", "hall_light");

  @TempDir Path state;

  /** The same coordinator (address, network) every time: a restart, not a new dongle. */
  private static ZigbeeSimulator.Builder coordinator(VirtualDevice... devices) {
    ZigbeeSimulator.Builder b =
        ZigbeeSimulator.builder().ieee(DONGLE).panId(PAN).extendedPanId(EXTENDED_PAN).channel(15);
    for (VirtualDevice d : devices) {
      b.device(d);
    }
    return b;
  }

  private static ZigbeeCoordinatorConfig config(ZigbeeSimulator sim) {
    return ZigbeeRig.config("tcp://127.0.0.1:" + sim.tcpPort(), NAMES, Duration.ofMinutes(5), null);
  }

  /** Pairs the devices and waits until both are configured (health UP). */
  private static void pair(ZigbeeRig rig) throws Exception {
    rig.writeOk("zigbee/permit_join", PointValue.of(60L));
    rig.awaitValue("kitchen_sensor/temperature", PointValue.of(20.0));
    rig.awaitValue("hall_light/on_off", PointValue.of(false));
    ZigbeeRig.await(
        () ->
            rig.deviceHealth("kitchen_sensor").state() == AdapterHealth.State.UP
                && rig.deviceHealth("hall_light").state() == AdapterHealth.State.UP,
        ZigbeeRig.WAIT,
        "both devices configured");
    rig.writeOk("zigbee/permit_join", PointValue.of(0L));
  }

  @Test
  void onlineIsPublishedOnceAtStart() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(20.0);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    List<PointSample> samples;
    try (ZigbeeSimulator sim = coordinator(sensor, light).startTcp(0);
        TestContext ctx = new TestContext(state);
        ZigbeeRig rig = new ZigbeeRig(config(sim), ctx)) {
      pair(rig);
      rig.close(); // the library's notifications stop with it: nothing can come later
      samples = rig.sink.samples();
    }
    PointId online = PointId.parse("zigbee/online");
    List<PointSample> onlineSamples =
        samples.stream().filter(s -> s.point().equals(online)).toList();
    assertEquals(1, onlineSamples.size(), "zigbee/online samples: " + onlineSamples);
    assertEquals(PointValue.of(true), onlineSamples.get(0).value());
  }

  @Test
  void aTransmitTheCoordinatorCannotDeliverFailsNamingTheDeliveryStatus() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(20.0);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    try (ZigbeeSimulator sim = coordinator(sensor, light).startTcp(0);
        TestContext ctx = new TestContext(state);
        ZigbeeRig rig = new ZigbeeRig(config(sim), ctx)) {
      pair(rig);
      light.setReachable(false); // transmit status 0x8B with delivery status 0x21
      WriteResult r = rig.write("hall_light/on_off", PointValue.of(true));
      assertEquals(WriteResult.Status.FAILED, r.status(), r.toString());
      assertTrue(r.detail().contains("NETWORK_ACK_FAILURE (0x21)"), r.detail());
      assertTrue(light.missedFrames() > 0, "the coordinator was asked to deliver it");

      light.setReachable(true);
      rig.writeOk("hall_light/on_off", PointValue.of(true));
      assertTrue(light.isOn());
    }
  }

  @Test
  void aKnownDeviceThatAnnouncesItselfIsRead() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(20.0);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    try (ZigbeeSimulator sim = coordinator(sensor, light).startTcp(0);
        TestContext ctx = new TestContext(state);
        ZigbeeRig rig = new ZigbeeRig(config(sim), ctx)) {
      pair(rig);
      int readsBefore = light.readRequests();
      int before = rig.sink.size();
      sim.deviceAnnounces(LIGHT);
      ZigbeeRig.await(
          () -> light.readRequests() > readsBefore,
          ZigbeeRig.WAIT,
          "the gateway reads the light after its announce");
      rig.awaitGoodAfter(before, "hall_light/on_off");
    }
  }

  @Test
  void aRestartedCoordinatorIsReinitialisedAndLateDevicesAreReadAgain() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(20.0);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    ZigbeeSimulator first = coordinator(sensor, light).startTcp(0);
    int port = first.tcpPort();
    try (TestContext ctx = new TestContext(state);
        ZigbeeRig rig = new ZigbeeRig(config(first), ctx)) {
      pair(rig);

      // the coordinator goes away (process killed, ser2net host rebooted)
      int beforeKill = rig.sink.size();
      first.close();
      int lost = rig.awaitBadAfter(beforeKill, "hall_light/on_off", "coordinator connection lost");

      // it comes back; the light has not rejoined yet (it comes back seconds later)
      light.setReachable(false);
      try (ZigbeeSimulator second = coordinator(sensor, light).startTcp(port)) {
        int online = rig.awaitAfter(lost, "zigbee/online", PointValue.of(true));
        List<String> init = second.atCommandsFromHost();
        assertTrue(
            init.containsAll(List.of("FR", "AP", "AO", "SH", "SL")),
            "the restarted coordinator is initialised as at first start: " + init);
        ZigbeeRig.await(
            () -> light.missedFrames() > 0,
            ZigbeeRig.WAIT,
            "the gateway tried the light before it was back");
        AdapterHealth.DeviceHealth waiting = rig.deviceHealth("hall_light");
        assertTrue(
            waiting.state() != AdapterHealth.State.UP,
            "health does not say UP while the light's points are BAD: " + waiting);
        sensor.setTemperature(21.0);
        rig.awaitAfter(online, "kitchen_sensor/temperature", PointValue.of(21.0));

        // the light is back, silently (no announce): the failed read is retried until it works
        light.setReachable(true);
        rig.awaitGoodAfter(online, "hall_light/on_off");
        ZigbeeRig.await(
            () -> rig.deviceHealth("hall_light").state() == AdapterHealth.State.UP,
            ZigbeeRig.WAIT,
            "hall_light UP again");
        rig.writeOk("hall_light/on_off", PointValue.of(true));
        assertTrue(light.isOn());
      }
    } finally {
      first.close();
    }
    assertNoLibraryThreadLeft();
  }

  @Test
  void aRestartedCoordinatorOnAPtyIsInitialisedAgain() throws Exception {
    VirtualDevice sensor = VirtualDevice.temperatureHumiditySensor(SENSOR);
    sensor.setTemperature(20.0);
    VirtualDevice light = VirtualDevice.light(LIGHT);
    Path dongle = state.resolve("dongle");
    Path host = state.resolve("ttyZigbee");
    SocatPty cable = SocatPty.create(dongle, host);
    ZigbeeSimulator first = coordinator(sensor, light).startSerial(dongle.toString(), 9600);
    ZigbeeCoordinatorConfig config =
        ZigbeeRig.config(host.toString(), NAMES, Duration.ofMinutes(5), null);
    try (TestContext ctx = new TestContext(state.resolve("state"));
        ZigbeeRig rig = new ZigbeeRig(config, ctx)) {
      pair(rig);

      // the coordinator and its serial line go away (socat and the emulator killed)
      int beforeKill = rig.sink.size();
      first.close();
      cable.close();
      int lost = rig.awaitBadAfter(beforeKill, "hall_light/on_off", "coordinator");

      // and come back on the same path, the light a little later
      light.setReachable(false);
      try (SocatPty again = SocatPty.create(dongle, host);
          ZigbeeSimulator second =
              coordinator(sensor, light).startSerial(dongle.toString(), 9600)) {
        int online = rig.awaitAfter(lost, "zigbee/online", PointValue.of(true));
        List<String> init = second.atCommandsFromHost();
        assertTrue(
            init.containsAll(List.of("FR", "AP", "AO", "SH", "SL")),
            "the restarted coordinator is initialised as at first start: " + init);
        sensor.setTemperature(21.0);
        rig.awaitAfter(online, "kitchen_sensor/temperature", PointValue.of(21.0));
        ZigbeeRig.await(
            () -> light.missedFrames() > 0,
            ZigbeeRig.WAIT,
            "the gateway tried the light before it was back");
        int beforeAnnounce = rig.sink.size();
        second.deviceAnnounces(LIGHT);
        rig.awaitGoodAfter(beforeAnnounce, "hall_light/on_off");
      }
    } finally {
      first.close();
      cable.close();
    }
    assertNoLibraryThreadLeft();
  }

  /**
   * The coordinator went away again as the test ended, so the adapter was closed while it was
   * replacing its stack: neither stack may leave threads behind.
   */
  private static void assertNoLibraryThreadLeft() throws InterruptedException {
    ZigbeeRig.await(
        () -> ZigbeeRig.libraryThreads().isEmpty(),
        ZigbeeRig.WAIT,
        "the Zigbee library's threads stop on close: " + ZigbeeRig.libraryThreads());
  }

  @Test
  void aDeviceThatKeepsRefusingItsSetupIsLoggedOnce() throws Exception {
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    Logger adapterLog = (Logger) LoggerFactory.getLogger(ZigbeeCoordinatorAdapter.class);
    events.start();
    adapterLog.addAppender(events);
    VirtualDevice light = VirtualDevice.light(LIGHT).refuseReporting();
    try (ZigbeeSimulator sim = coordinator(light).startTcp(0);
        TestContext ctx = new TestContext(state);
        ZigbeeRig rig = new ZigbeeRig(config(sim), ctx)) {
      rig.writeOk("zigbee/permit_join", PointValue.of(60L));
      rig.awaitValue("hall_light/on_off", PointValue.of(false));
      // every setup attempt reads both clusters once: four attempts, each refused alike
      ZigbeeRig.await(
          () -> light.readRequests() >= 8, ZigbeeRig.WAIT, "four setup attempts of the light");
    } finally {
      adapterLog.detachAppender(events);
    }
    List<ILoggingEvent> warnings;
    synchronized (events) { // ListAppender appends under this lock
      warnings =
          events.list.stream()
              .filter(e -> e.getLevel() == Level.WARN)
              .filter(e -> e.getFormattedMessage().contains("hall_light not fully configured"))
              .toList();
    }
    assertEquals(1, warnings.size(), "the same refusal at every retry: " + warnings);
    assertTrue(
        warnings.get(0).getFormattedMessage().contains("UNREPORTABLE_ATTRIBUTE"),
        warnings.get(0).getFormattedMessage());
  }
}
