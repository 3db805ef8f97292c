package io.edgerule.adapter.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ModbusRtuConfigTest {
  private static final List<ModbusPointConfig> POINTS =
      List.of(ModbusPointConfig.of("t", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.INT16));

  private static void assertRejected(String expectedFragment, Executable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
    assertTrue(
        e.getMessage().contains(expectedFragment),
        "message '" + e.getMessage() + "' should contain '" + expectedFragment + "'");
  }

  private static ModbusRtuBusConfig bus(String port, Integer baud, Parity parity) {
    return new ModbusRtuBusConfig(port, baud, null, parity, null, null, null, null, null, null);
  }

  private static ModbusRtuDeviceConfig slave(String name, ModbusRtuBusConfig bus, int unit) {
    return ModbusRtuDeviceConfig.of(name, bus, unit, POINTS);
  }

  @Test
  void busDefaultsFollowTheModbusSerialLineSpecification() {
    ModbusRtuBusConfig b = ModbusRtuBusConfig.of(" /dev/ttyUSB0 ");
    assertEquals("/dev/ttyUSB0", b.port());
    assertEquals(19200, b.baud());
    assertEquals(8, b.dataBits());
    assertEquals(Parity.EVEN, b.parity());
    assertEquals(1, b.stopBits());
    assertEquals(Duration.ofSeconds(1), b.timeout());
    // 19200 8E1: 11 bits = 572.9 us per character, 3.5 characters = 2.005 ms
    assertEquals(Duration.ofNanos(2_005_210), b.interFrameGap());
    assertEquals(Backoff.DEFAULT, b.reconnect());
    assertFalse(b.rs485Mode());
    assertFalse(b.echo());
    assertFalse(b.isTcp());
    assertEquals(
        Duration.ofNanos(1_750_000), bus("/dev/ttyUSB0", 115200, Parity.NONE).interFrameGap());
  }

  @Test
  void rtuOverTcpAddress() {
    ModbusRtuBusConfig b = ModbusRtuBusConfig.of("tcp://10.0.0.5:4001");
    assertTrue(b.isTcp());
    assertEquals("10.0.0.5", b.tcpHost());
    assertEquals(4001, b.tcpPort());
    assertEquals("moxa.local", ModbusRtuBusConfig.of("tcp://moxa.local:950").tcpHost());
    assertRejected("must be tcp://host:port", () -> ModbusRtuBusConfig.of("tcp://10.0.0.5"));
    assertRejected("must be tcp://host:port", () -> ModbusRtuBusConfig.of("tcp://h:70000"));
    assertRejected("must be tcp://host:port", () -> ModbusRtuBusConfig.of("tcp://h:4001/x"));
  }

  @Test
  void busErrorsNameTheField() {
    assertRejected("port: required", () -> ModbusRtuBusConfig.of(" "));
    assertRejected("baud: must be 300..4000000, got 12", () -> bus("/dev/x", 12, null));
    assertRejected(
        "data_bits: must be 8",
        () -> new ModbusRtuBusConfig("/dev/x", null, 7, null, null, null, null, null, null, null));
    assertRejected(
        "stop_bits: must be 1 or 2, got 3",
        () -> new ModbusRtuBusConfig("/dev/x", null, null, null, 3, null, null, null, null, null));
    assertRejected(
        "timeout: must be > 0 and at most 1m, got 0",
        () ->
            new ModbusRtuBusConfig(
                "/dev/x", null, null, null, null, Duration.ZERO, null, null, null, null));
    assertRejected(
        "inter_frame_gap: must be 0..1s, got 2s",
        () ->
            new ModbusRtuBusConfig(
                "/dev/x", null, null, null, null, null, Duration.ofSeconds(2), null, null, null));
  }

  @Test
  void deviceDefaultsAndErrors() {
    ModbusRtuDeviceConfig d = slave("meter", ModbusRtuBusConfig.of("/dev/x"), 3);
    assertEquals(3, d.unitId());
    assertEquals(Duration.ofSeconds(1), d.pollInterval());
    assertEquals(1, d.retries());
    assertEquals(125, d.maxRegisters());
    assertEquals(Duration.ofSeconds(60), d.integrityInterval());
    assertRejected("bus: required", () -> slave("meter", null, 1));
    assertRejected(
        "unit_id: must be 1..247 (0 is broadcast",
        () -> slave("meter", ModbusRtuBusConfig.of("/dev/x"), 0));
    assertRejected(
        "unit_id: must be 1..247", () -> slave("meter", ModbusRtuBusConfig.of("/dev/x"), 248));
    assertRejected(
        "points: at least one point",
        () -> ModbusRtuDeviceConfig.of("m", ModbusRtuBusConfig.of("/dev/x"), 1, List.of()));
    assertRejected(
        "poll_interval: must be at least 10ms, got 5ms",
        () ->
            new ModbusRtuDeviceConfig(
                "m",
                ModbusRtuBusConfig.of("/dev/x"),
                1,
                Duration.ofMillis(5),
                null,
                null,
                null,
                null,
                null,
                null,
                POINTS));
  }

  @Test
  void slavesOfOnePortBecomeOneBus() {
    var usb0 = ModbusRtuBusConfig.of("/dev/ttyUSB0");
    var usb1 = ModbusRtuBusConfig.of("/dev/ttyUSB1");
    var buses =
        ModbusRtuAdapterFactory.group(
            List.of(slave("a", usb0, 1), slave("b", usb1, 1), slave("c", usb0, 2)));
    assertEquals(List.of("/dev/ttyUSB0", "/dev/ttyUSB1"), List.copyOf(buses.keySet()));
    assertEquals(List.of("a", "c"), buses.get("/dev/ttyUSB0").stream().map(d -> d.name()).toList());
  }

  @Test
  void conflictingBusSettingsAreRefusedByName() {
    assertRejected(
        "modbus-rtu devices 'a' and 'b' are both on port /dev/ttyUSB0 but disagree on baud"
            + " (9600 vs 19200): every device on one port needs the same bus settings",
        () ->
            ModbusRtuAdapterFactory.group(
                List.of(
                    slave("a", bus("/dev/ttyUSB0", 9600, null), 1),
                    slave("b", bus("/dev/ttyUSB0", 19200, null), 2))));
    assertRejected(
        "disagree on parity (none vs even)",
        () ->
            ModbusRtuAdapterFactory.group(
                List.of(
                    slave("a", bus("/dev/ttyUSB0", null, Parity.NONE), 1),
                    slave("b", bus("/dev/ttyUSB0", null, null), 2))));
    assertRejected(
        "modbus-rtu devices 'a' and 'b' both use unit_id 1 on port /dev/ttyUSB0",
        () ->
            ModbusRtuAdapterFactory.group(
                List.of(
                    slave("a", ModbusRtuBusConfig.of("/dev/ttyUSB0"), 1),
                    slave("b", ModbusRtuBusConfig.of("/dev/ttyUSB0"), 1))));
    assertRejected(
        "modbus-rtu device 'a' is defined twice",
        () ->
            ModbusRtuAdapterFactory.group(
                List.of(
                    slave("a", ModbusRtuBusConfig.of("/dev/ttyUSB0"), 1),
                    slave("a", ModbusRtuBusConfig.of("/dev/ttyUSB1"), 1))));
  }

  @Test
  void twoNamesOfOneSerialDeviceAreRefused(@TempDir Path dir) throws Exception {
    Path tty = Files.createFile(dir.resolve("ttyUSB0"));
    Path byId = Files.createSymbolicLink(dir.resolve("usb-FTDI_FT232R-if00-port0"), tty);
    assertRejected(
        "are the same device",
        () ->
            ModbusRtuAdapterFactory.group(
                List.of(
                    slave("a", ModbusRtuBusConfig.of(tty.toString()), 1),
                    slave("b", ModbusRtuBusConfig.of(byId.toString()), 2))));
  }

  @Test
  void factoryIsFoundByServiceLoader() {
    boolean found = false;
    for (AdapterFactory<?> f : ServiceLoader.load(AdapterFactory.class)) {
      if (f.protocol().equals("modbus-rtu")) {
        found = f.configType() == ModbusRtuDeviceConfig.class;
      }
    }
    assertTrue(found, "modbus-rtu factory registered in META-INF/services");
  }
}
