package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.cli.EdgeruleCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Serial-bus conflicts between modbus-rtu devices are config errors at the conflicting field, in
 * the loader that {@code check} and {@code run} share (check used to say OK; run then refused with
 * exit 1 and no position).
 */
class ConfigBusConflictTest {
  @TempDir Path tmp;

  /** Two slaves on the given ports; busA and busB are extra lines of their bus settings. */
  private static String twoSlaves(String portA, String busA, String portB, String busB, int unitB) {
    return """
        gateway: {id: gw}
        devices:
          - protocol: modbus-rtu
            name: boiler
            bus:
              port: %s%s
            unit_id: 1
            points: [{name: t, table: input_register, address: 0}]
          - protocol: modbus-rtu
            name: meter
            bus:
              port: %s%s
            unit_id: %d
            points: [{name: v, table: input_register, address: 0}]
        """
        .formatted(portA, busA, portB, busB, unitB);
  }

  private static ConfigException rejected(String yaml) {
    return ConfigContract.expectRejected(yaml, "bus conflict");
  }

  @Test
  void differentBaudOnOnePortIsRefusedAtTheSecondBaud() {
    ConfigException e =
        rejected(
            twoSlaves(
                "/dev/ttyUSB0", "\n      baud: 9600", "/dev/ttyUSB0", "\n      baud: 19200", 2));
    assertEquals(14, e.line(), e.getMessage());
    assertEquals(7, e.column(), e.getMessage());
    assertTrue(e.problem().startsWith("devices[1].bus.baud: "), e.problem());
    assertTrue(e.problem().contains("disagree on baud (9600 vs 19200)"), e.problem());
  }

  @Test
  void aDuplicateUnitIdOnOnePortIsRefusedAtTheSecondUnitId() {
    ConfigException e = rejected(twoSlaves("/dev/ttyUSB0", "", "/dev/ttyUSB0", "", 1));
    assertEquals(13, e.line(), e.getMessage());
    assertEquals(5, e.column(), e.getMessage());
    assertTrue(e.problem().startsWith("devices[1].unit_id: "), e.problem());
    assertTrue(e.problem().contains("both use unit_id 1 on port /dev/ttyUSB0"), e.problem());
  }

  @Test
  void aLinkAndItsTargetAreOneDevice() throws Exception {
    Path tty = Files.createFile(tmp.resolve("ttyUSB0"));
    Path byId = Files.createSymbolicLink(tmp.resolve("usb-FTDI_FT232R-if00-port0"), tty);
    ConfigException e = rejected(twoSlaves(tty.toString(), "", byId.toString(), "", 2));
    assertEquals(12, e.line(), e.getMessage());
    assertEquals(7, e.column(), e.getMessage());
    assertTrue(e.problem().startsWith("devices[1].bus.port: "), e.problem());
    assertTrue(e.problem().contains("are the same device"), e.problem());
  }

  @Test
  void dotSegmentsNameTheSameDeviceEvenBeforeItExists() {
    ConfigException e = rejected(twoSlaves("/dev/ttyNOPE9", "", "/dev/./ttyNOPE9", "", 2));
    assertEquals(12, e.line(), e.getMessage());
    assertEquals(7, e.column(), e.getMessage());
    assertTrue(e.problem().startsWith("devices[1].bus.port: "), e.problem());
    assertTrue(e.problem().contains("/dev/ttyNOPE9 and /dev/./ttyNOPE9"), e.problem());
  }

  @Test
  void twoZigbeeCoordinatorsOnOnePortAreRefusedAtTheSecondPort() {
    ConfigException e =
        rejected(
            """
            gateway: {id: gw}
            devices:
              - protocol: zigbee
                name: upstairs
                port: /dev/ttyACM0
              - protocol: zigbee
                name: downstairs
                port: /dev/ttyACM0
            """);
    assertEquals(8, e.line(), e.getMessage());
    assertEquals(5, e.column(), e.getMessage());
    assertTrue(e.problem().startsWith("devices[1].port: "), e.problem());
    assertTrue(e.problem().contains("share port /dev/ttyACM0"), e.problem());
  }

  @Test
  void oneZigbeeDeviceNameOnTwoCoordinatorsIsRefusedAtTheSecondDevices() {
    ConfigException e =
        rejected(
            """
            gateway: {id: gw}
            devices:
              - protocol: zigbee
                name: upstairs
                port: /dev/ttyACM0
                devices: {00124b0001abcd02: lamp}
              - protocol: zigbee
                name: downstairs
                port: /dev/ttyACM1
                devices: {00124b0001abcd04: lamp}
            """);
    assertEquals(10, e.line(), e.getMessage());
    assertTrue(e.problem().startsWith("devices[1].devices: "), e.problem());
    assertTrue(e.problem().contains("'lamp'"), e.problem());
  }

  @Test
  void differentPortsAndUnitsLoad() throws Exception {
    ConfigContract.LOADER.parse(
        twoSlaves("/dev/ttyUSB0", "", "/dev/ttyUSB1", "", 1), ConfigContract.FILE);
    ConfigContract.LOADER.parse(
        twoSlaves("/dev/ttyUSB0", "", "/dev/ttyUSB0", "", 2), ConfigContract.FILE);
  }

  @Test
  void checkAndRunBothExitTwoWithThePosition() throws Exception {
    Path file = tmp.resolve("gateway.yaml");
    Files.writeString(
        file,
        twoSlaves("/dev/ttyUSB0", "\n      baud: 9600", "/dev/ttyUSB0", "\n      baud: 19200", 2)
            .replace("gateway: {id: gw}", "gateway: {id: gw, state_dir: state}"));
    for (String command : new String[] {"check", "run"}) {
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new EdgeruleCommand());
      cli.setErr(new PrintWriter(err));
      cli.setOut(new PrintWriter(new StringWriter()));
      assertEquals(2, cli.execute(command, "--config", file.toString()), command + ": " + err);
      assertTrue(
          err.toString().contains(file + ":14:7: devices[1].bus.baud: "), command + ": " + err);
    }
  }
}
