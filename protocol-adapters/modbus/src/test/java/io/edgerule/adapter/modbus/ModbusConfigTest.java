package io.edgerule.adapter.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.Backoff;
import io.edgerule.adapter.ValueType;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ModbusConfigTest {

  private static void assertRejected(String expectedFragment, Executable construct) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
    assertTrue(
        e.getMessage().contains(expectedFragment),
        "message '" + e.getMessage() + "' should contain '" + expectedFragment + "'");
  }

  private static ModbusPointConfig point(
      String name, ModbusTable table, Integer address, ModbusDataType type, Integer bit) {
    return new ModbusPointConfig(
        name, table, address, type, bit, null, null, null, null, null, null);
  }

  @Test
  void pointDefaults() {
    ModbusPointConfig hr = point("x", ModbusTable.HOLDING_REGISTER, 3, null, null);
    assertEquals(ModbusDataType.UINT16, hr.type());
    assertEquals(Endianness.BIG, hr.wordOrder());
    assertEquals(Endianness.BIG, hr.byteOrder());
    assertEquals(1.0, hr.scale());
    assertEquals(0.0, hr.offset());
    assertEquals(0.0, hr.deadband());
    assertFalse(hr.writable());
    assertEquals(ModbusDataType.BOOL, point("c", ModbusTable.COIL, 0, null, null).type());
  }

  @Test
  void valueTypeRule() {
    assertEquals(ValueType.BOOL, point("c", ModbusTable.COIL, 0, null, null).valueType());
    assertEquals(
        ValueType.BOOL,
        point("b", ModbusTable.INPUT_REGISTER, 0, ModbusDataType.BIT, 4).valueType());
    assertEquals(
        ValueType.INT64,
        point("i", ModbusTable.INPUT_REGISTER, 0, ModbusDataType.INT32, null).valueType());
    assertEquals(
        ValueType.FLOAT64,
        point("f", ModbusTable.INPUT_REGISTER, 0, ModbusDataType.FLOAT32, null).valueType());
    assertEquals(
        ValueType.FLOAT64,
        new ModbusPointConfig(
                "s",
                ModbusTable.INPUT_REGISTER,
                0,
                ModbusDataType.INT16,
                null,
                null,
                null,
                0.1,
                null,
                null,
                null)
            .valueType());
  }

  @Test
  void invalidPointsNameThePointAndTheField() {
    assertRejected(
        "name: every point needs a name", () -> point(null, ModbusTable.COIL, 0, null, null));
    assertRejected("table: required", () -> point("x", null, 0, null, null));
    assertRejected(
        "address: must be 0..65535", () -> point("x", ModbusTable.COIL, 70000, null, null));
    assertRejected("address: required", () -> point("x", ModbusTable.COIL, null, null, null));
    assertRejected(
        "type: a coil holds one bit: type must be bool, got float32",
        () -> point("x", ModbusTable.COIL, 0, ModbusDataType.FLOAT32, null));
    assertRejected(
        "type: bool needs a coil or discrete_input",
        () -> point("x", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.BOOL, null));
    assertRejected(
        "bit: type bit needs bit: 0..15",
        () -> point("x", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.BIT, 16));
    assertRejected(
        "bit: applies only to type bit",
        () -> point("x", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.INT16, 3));
    assertRejected(
        "address: float64 at address 65534 runs past address 65535",
        () -> point("x", ModbusTable.HOLDING_REGISTER, 65534, ModbusDataType.FLOAT64, null));
    assertRejected(
        "writable: a input_register is read-only in Modbus: only coils and holding registers can"
            + " be writable",
        () ->
            new ModbusPointConfig(
                "x",
                ModbusTable.INPUT_REGISTER,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                true));
    assertRejected(
        "scale: must be a finite number other than 0",
        () ->
            new ModbusPointConfig(
                "x", ModbusTable.INPUT_REGISTER, 0, null, null, null, null, 0.0, null, null, null));
    assertRejected(
        "deadband: must be >= 0",
        () ->
            new ModbusPointConfig(
                "x",
                ModbusTable.INPUT_REGISTER,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                -1.0,
                null));
    assertRejected(
        "scale: does not apply to bool points",
        () ->
            new ModbusPointConfig(
                "x", ModbusTable.COIL, 0, null, null, null, null, 2.0, null, null, null));
  }

  private static ModbusTcpDeviceConfig device(
      Integer port, Integer unitId, Integer maxRegisters, List<ModbusPointConfig> points) {
    return new ModbusTcpDeviceConfig(
        "plc",
        "10.0.0.5",
        port,
        unitId,
        null,
        null,
        null,
        null,
        null,
        null,
        maxRegisters,
        null,
        null,
        points);
  }

  @Test
  void deviceDefaults() {
    ModbusTcpDeviceConfig d =
        device(null, null, null, List.of(point("x", ModbusTable.COIL, 0, null, null)));
    assertEquals(502, d.port());
    assertEquals(1, d.unitId());
    assertEquals(Duration.ofSeconds(1), d.pollInterval());
    assertEquals(Duration.ofSeconds(1), d.timeout());
    assertEquals(1, d.retries());
    assertEquals(Backoff.DEFAULT, d.reconnect());
    assertEquals(8, d.maxGap());
    assertEquals(128, d.maxBitGap());
    assertEquals(125, d.maxRegisters());
    assertEquals(2000, d.maxBits());
    assertEquals(Duration.ofSeconds(60), d.integrityInterval());
  }

  @Test
  void invalidDevicesNameTheDeviceAndTheField() {
    List<ModbusPointConfig> one = List.of(point("x", ModbusTable.COIL, 0, null, null));
    assertRejected("port: must be 1..65535, got 0", () -> device(0, null, null, one));
    assertRejected("unit_id: must be 0..255", () -> device(null, 256, null, one));
    assertRejected("max_registers: must be 1..125", () -> device(null, null, 126, one));
    assertRejected(
        "points: at least one point is required", () -> device(null, null, null, List.of()));
    assertRejected(
        "points[1].name: point 'x' is defined twice",
        () -> device(null, null, null, List.of(one.get(0), one.get(0))));
    assertRejected(
        "max_registers: point 'f' (float64) needs 4 registers in one read but max_registers is 2",
        () ->
            device(
                null,
                null,
                2,
                List.of(
                    point("f", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.FLOAT64, null))));
    assertRejected(
        "points[0].name: invalid point name 'a b'",
        () -> device(null, null, null, List.of(point("a b", ModbusTable.COIL, 0, null, null))));
    assertRejected(
        "host: required",
        () ->
            new ModbusTcpDeviceConfig(
                "plc", " ", null, null, null, null, null, null, null, null, null, null, null, one));
    assertRejected(
        "poll_interval: must be at least 10ms, got 1ms",
        () ->
            new ModbusTcpDeviceConfig(
                "plc",
                "h",
                null,
                null,
                Duration.ofMillis(1),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                one));
  }

  @Test
  void factoryIsFoundByServiceLoader() {
    boolean found = false;
    for (AdapterFactory<?> f : ServiceLoader.load(AdapterFactory.class)) {
      if (f.protocol().equals("modbus-tcp")) {
        found = f.configType() == ModbusTcpDeviceConfig.class;
      }
    }
    assertTrue(found, "modbus-tcp factory registered in META-INF/services");
  }
}
