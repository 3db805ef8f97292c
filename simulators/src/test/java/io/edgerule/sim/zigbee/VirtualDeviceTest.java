package io.edgerule.sim.zigbee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ZDO and ZCL exchanges with one virtual device, byte by byte (Zigbee and ZCL specifications). */
class VirtualDeviceTest {
  private static final long LIGHT_IEEE = 0x00124B0000000004L;
  private VirtualDevice light;

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @BeforeEach
  void joinLight() {
    light = VirtualDevice.light(LIGHT_IEEE);
    light.joined(0x3A7C);
  }

  @Test
  void announcesItselfWithAddressesAndCapabilities() {
    ApsFrame announce = light.deviceAnnounce(7);
    assertEquals(Zdo.DEVICE_ANNCE, announce.clusterId());
    assertTrue(announce.broadcast());
    assertArrayEquals(
        bytes(
            0x07, // sequence
            0x7C, 0x3A, // NWK address (little endian)
            0x04, 0x00, 0x00, 0x00, 0x00, 0x4B, 0x12, 0x00, // IEEE address (little endian)
            0x8E), // capability: allocate address, rx on when idle, mains, FFD
        announce.payload());
  }

  @Test
  void answersNodeDescriptorRequest() {
    List<ApsFrame> out =
        light.handleZdo(Zdo.NODE_DESC_REQ, bytes(0x21, 0x7C, 0x3A), false); // seq, NWK of interest
    assertEquals(1, out.size());
    assertEquals(0x8002, out.get(0).clusterId());
    assertArrayEquals(
        bytes(
            0x21, // sequence echoed
            0x00, // status SUCCESS
            0x7C, 0x3A, // NWK of interest
            0x01, // logical type: router
            0x40, // frequency band 2.4 GHz
            0x8E, // MAC capabilities
            0x34, 0x12, // manufacturer code
            0x52, // max buffer size
            0x52, 0x00, // max incoming transfer
            0x00, 0x2C, // server mask: stack compliance r22
            0x52, 0x00, // max outgoing transfer
            0x00), // descriptor capability
        out.get(0).payload());
  }

  @Test
  void answersActiveEndpointsAndSimpleDescriptor() {
    ApsFrame active = light.handleZdo(Zdo.ACTIVE_EP_REQ, bytes(0x01, 0x7C, 0x3A), false).get(0);
    assertArrayEquals(bytes(0x01, 0x00, 0x7C, 0x3A, 0x01, 0x01), active.payload());
    ApsFrame simple =
        light.handleZdo(Zdo.SIMPLE_DESC_REQ, bytes(0x02, 0x7C, 0x3A, 0x01), false).get(0);
    assertArrayEquals(
        bytes(
            0x02, 0x00, 0x7C, 0x3A, // seq, status, NWK
            0x10, // descriptor length 16
            0x01, // endpoint
            0x04, 0x01, // profile 0x0104 home automation
            0x01, 0x01, // device 0x0101 dimmable light
            0x01, // version
            0x04, // 4 input clusters:
            0x00, 0x00, 0x03, 0x00, 0x06, 0x00, 0x08, 0x00, // basic, identify, on/off, level
            0x00), // no output clusters
        simple.payload());
  }

  @Test
  void obeysOnOffAndLevelCommandsWithDefaultResponses() {
    ApsFrame reply = light.handleZcl(1, 1, 0x0006, bytes(0x01, 0x10, 0x01)).get(0); // On
    assertTrue(light.isOn());
    assertArrayEquals(
        bytes(
            0x18, // server to client, default response disabled
            0x10, // sequence echoed
            0x0B, // Default Response
            0x01, // to command On
            0x00), // SUCCESS
        reply.payload());
    light.handleZcl(1, 1, 0x0006, bytes(0x01, 0x11, 0x02)); // Toggle
    assertFalse(light.isOn());
    light.handleZcl(1, 1, 0x0008, bytes(0x01, 0x12, 0x04, 0x80, 0x00, 0x00)); // move to level 128
    assertEquals(128, light.level());
    assertTrue(light.isOn(), "move to level with on/off switches on");
  }

  @Test
  void readsAttributesAndReportsUnsupportedOnes() {
    ApsFrame reply =
        light.handleZcl(1, 1, 0x0008, bytes(0x00, 0x05, 0x00, 0x00, 0x00, 0x99, 0x99)).get(0);
    assertArrayEquals(
        bytes(
            0x18, 0x05, 0x01, // read attributes response
            0x00, 0x00, 0x00, 0x20, 0xFE, // current level: SUCCESS, uint8 254
            0x99, 0x99, 0x86), // 0x9999: UNSUPPORTED_ATTRIBUTE
        reply.payload());
  }

  @Test
  void reportsToItsBindingAfterConfigureReporting() {
    // bind on/off to the coordinator's endpoint 1
    light.handleZdo(
        Zdo.BIND_REQ,
        bytes(
            0x09, 0x04, 0x00, 0x00, 0x00, 0x00, 0x4B, 0x12, 0x00, 0x01, 0x06, 0x00, 0x03, 0xC4,
            0xB3, 0xA2, 0x41, 0x00, 0xA2, 0x13, 0x00, 0x01),
        false);
    // configure reporting: on/off, boolean, min 0 s, max 60 s (discrete: no reportable change)
    ApsFrame configured =
        light
            .handleZcl(
                1,
                1,
                0x0006,
                bytes(0x00, 0x06, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x3C, 0x00))
            .get(0);
    assertArrayEquals(bytes(0x18, 0x06, 0x07, 0x00), configured.payload());
    assertTrue(light.isReportingConfigured(0x0006, 0x0000));
    List<ApsFrame> reports = light.tick(1000);
    assertEquals(1, reports.size(), "the current value is reported once configured");
    byte[] report = reports.get(0).payload();
    assertEquals(0x0A, report[2]); // Report Attributes
    assertArrayEquals(bytes(0x00, 0x00, 0x10, 0x00), java.util.Arrays.copyOfRange(report, 3, 7));
    assertEquals(List.of(), light.tick(1100), "no change, minimum passed, maximum not reached");
    light.handleZcl(1, 1, 0x0006, bytes(0x11, 0x13, 0x01)); // On, default response disabled
    assertEquals(1, light.tick(1200).size(), "a change is reported");
    assertEquals(1, light.tick(61_300).size(), "the maximum interval forces a report");
  }

  @Test
  void leavesWhenAskedAndThenStaysSilent() {
    ApsFrame reply =
        light
            .handleZdo(
                Zdo.MGMT_LEAVE_REQ,
                bytes(0x33, 0x04, 0x00, 0x00, 0x00, 0x00, 0x4B, 0x12, 0x00, 0x00),
                false)
            .get(0);
    assertArrayEquals(bytes(0x33, 0x00), reply.payload());
    assertEquals(VirtualDevice.State.LEFT, light.state());
    assertEquals(List.of(), light.handleZdo(Zdo.NODE_DESC_REQ, bytes(0x34, 0x7C, 0x3A), false));
  }

  @Test
  void rejectsWritesToReadOnlyAttributesAndAcceptsWritableOnes() {
    VirtualDevice motion = VirtualDevice.motionSensor(0x00124B0000000002L);
    motion.joined(0x1111);
    ApsFrame readOnly =
        motion.handleZcl(1, 1, 0x0406, bytes(0x00, 0x01, 0x02, 0x00, 0x00, 0x18, 0x01)).get(0);
    assertArrayEquals(bytes(0x18, 0x01, 0x04, 0x88, 0x00, 0x00), readOnly.payload());
    ApsFrame ok =
        motion
            .handleZcl(1, 1, 0x0406, bytes(0x00, 0x02, 0x02, 0x10, 0x00, 0x21, 0x2C, 0x01))
            .get(0);
    assertArrayEquals(bytes(0x18, 0x02, 0x04, 0x00), ok.payload());
    assertEquals(300, motion.occupancyTimeoutSeconds());
  }

  @Test
  void smartPlugPowerFollowsItsSwitch() {
    VirtualDevice plug = VirtualDevice.smartPlug(0x00124B0000000003L);
    plug.joined(0x2222);
    plug.setPowerDraw(100);
    plug.handleZcl(1, 1, 0x0006, bytes(0x01, 0x01, 0x01)); // On
    ApsFrame read =
        plug.handleZcl(1, 1, 0x0B04, bytes(0x00, 0x02, 0x00, 0x0B, 0x05)).get(0); // active power
    assertArrayEquals(bytes(0x18, 0x02, 0x01, 0x0B, 0x05, 0x00, 0x29, 0xE8, 0x03), read.payload());
  }

  @Test
  void aPlugWithASetLoadMeasuresExactlyThatLoad() {
    VirtualDevice plug = VirtualDevice.smartPlug(0x00124B0000000003L);
    plug.joined(0x2222);
    plug.setPowerDraw(1800);
    plug.handleZcl(1, 1, 0x0006, bytes(0x01, 0x01, 0x01)); // On
    for (long now = 0; now <= 30_000; now += 100) {
      plug.tick(now);
      assertEquals(1800.0, plug.activePower(), "at " + now + " ms");
    }
  }

  @Test
  void anUnsetPlugFluctuatesWithinTwoTenthsOfAWatt() {
    VirtualDevice plug = VirtualDevice.smartPlug(0x00124B0000000003L); // 60 W by default
    plug.joined(0x2222);
    plug.handleZcl(1, 1, 0x0006, bytes(0x01, 0x01, 0x01)); // On
    Set<Double> seen = new TreeSet<>();
    for (long now = 0; now <= 30_000; now += 100) {
      plug.tick(now);
      double watts = plug.activePower();
      assertTrue(watts >= 59.8 && watts <= 60.2, watts + " W at " + now + " ms");
      seen.add(watts);
    }
    assertTrue(seen.size() > 1, "the reading moves: " + seen);
  }

  @Test
  void configuresReportingUnlessItRefusesTo() {
    byte[] configureOnOff =
        bytes(
            0x00, 0x05, 0x06, // ZCL: global, client to server; sequence 5; Configure Reporting
            0x00, // direction: the device reports
            0x00, 0x00, // attribute 0x0000 OnOff
            0x10, // boolean
            0x01, 0x00, // minimum interval 1 s
            0x2C, 0x01); // maximum interval 300 s
    ApsFrame ok = light.handleZcl(1, 1, 0x0006, configureOnOff).get(0);
    assertArrayEquals(bytes(0x18, 0x05, 0x07, 0x00), ok.payload()); // all SUCCESS
    assertTrue(light.isReportingConfigured(0x0006, 0x0000));

    VirtualDevice pollOnly = VirtualDevice.light(0x00124B0000000005L).refuseReporting();
    pollOnly.joined(0x4444);
    ApsFrame refused = pollOnly.handleZcl(1, 1, 0x0006, configureOnOff).get(0);
    assertArrayEquals(
        bytes(0x18, 0x05, 0x07, 0x8C, 0x00, 0x00, 0x00), // UNREPORTABLE_ATTRIBUTE, dir 0, 0x0000
        refused.payload());
    assertFalse(pollOnly.isReportingConfigured(0x0006, 0x0000));
  }
}
