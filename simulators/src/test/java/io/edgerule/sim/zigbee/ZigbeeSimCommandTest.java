package io.edgerule.sim.zigbee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code edgerule sim zigbee}: options, the devices it makes, what it prints. */
class ZigbeeSimCommandTest {

  @Test
  void startsTheDevicesItIsAskedForAndSaysWhereToConnect() throws Exception {
    ZigbeeSimCommand command = new ZigbeeSimCommand();
    new CommandLine(command)
        .parseArgs("--tcp", "0", "--devices", "light,motion", "--channel", "20");
    StringWriter text = new StringWriter();
    try (ZigbeeSimCommand.Running running = command.start(new PrintWriter(text))) {
      ZigbeeSimulator sim = running.simulator();
      assertEquals(
          List.of(VirtualDevice.Kind.LIGHT, VirtualDevice.Kind.MOTION_SENSOR),
          sim.devices().stream().map(VirtualDevice::kind).toList());
      assertEquals("00124b0000000001", sim.devices().get(0).ieeeHex());
      String out = text.toString();
      assertTrue(
          out.contains("gateway config: port: tcp://127.0.0.1:" + sim.tcpPort() + ", dongle: xbee"),
          out);
      assertTrue(out.contains("device 00124b0000000002 (motion) waits to join"), out);
    }
  }

  @Test
  void namesTheKindsItKnows() {
    ZigbeeSimCommand command = new ZigbeeSimCommand();
    new CommandLine(command).parseArgs("--tcp", "0", "--devices", "bulb");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> command.start(new PrintWriter(new StringWriter())));
    assertEquals("unknown device kind 'bulb': use sensor, motion, plug or light", e.getMessage());
  }
}
