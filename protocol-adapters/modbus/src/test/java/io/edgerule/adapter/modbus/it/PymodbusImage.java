package io.edgerule.adapter.modbus.it;

import static io.edgerule.adapter.modbus.Endianness.BIG;
import static io.edgerule.adapter.modbus.Endianness.LITTLE;
import static io.edgerule.adapter.modbus.ModbusDataType.BIT;
import static io.edgerule.adapter.modbus.ModbusDataType.BOOL;
import static io.edgerule.adapter.modbus.ModbusDataType.FLOAT32;
import static io.edgerule.adapter.modbus.ModbusDataType.FLOAT64;
import static io.edgerule.adapter.modbus.ModbusDataType.INT16;
import static io.edgerule.adapter.modbus.ModbusDataType.INT32;
import static io.edgerule.adapter.modbus.ModbusDataType.INT64;
import static io.edgerule.adapter.modbus.ModbusDataType.UINT16;
import static io.edgerule.adapter.modbus.ModbusDataType.UINT32;
import static io.edgerule.adapter.modbus.ModbusTable.COIL;
import static io.edgerule.adapter.modbus.ModbusTable.DISCRETE_INPUT;
import static io.edgerule.adapter.modbus.ModbusTable.HOLDING_REGISTER;
import static io.edgerule.adapter.modbus.ModbusTable.INPUT_REGISTER;
import static io.edgerule.adapter.modbus.it.Samples.point;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.modbus.Endianness;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The points of src/test/resources/pymodbus/image.py and what they must read and accept: every
 * point type, both word orders (and a swapped byte order), every table, reads and writes. Shared by
 * the TCP and RTU interop ITs.
 */
final class PymodbusImage {
  private PymodbusImage() {}

  private static ModbusPointConfig p(
      String name, ModbusTable table, int address, ModbusDataType type, Endianness words) {
    return new ModbusPointConfig(
        name, table, address, type, null, words, null, null, null, null, null);
  }

  private static ModbusPointConfig w(
      String name,
      ModbusTable table,
      int address,
      ModbusDataType type,
      Endianness words,
      Integer bit) {
    return new ModbusPointConfig(
        name, table, address, type, bit, words, null, null, null, null, true);
  }

  /** Every point of the image. */
  static List<ModbusPointConfig> points() {
    List<ModbusPointConfig> points = new ArrayList<>();
    points.add(p("f32_big", HOLDING_REGISTER, 0, FLOAT32, BIG));
    points.add(p("f32_little", HOLDING_REGISTER, 2, FLOAT32, LITTLE));
    points.add(p("i16", HOLDING_REGISTER, 4, INT16, null));
    points.add(p("u16", HOLDING_REGISTER, 5, UINT16, null));
    points.add(p("i32_big", HOLDING_REGISTER, 6, INT32, BIG));
    points.add(p("u32_little", HOLDING_REGISTER, 8, UINT32, LITTLE));
    points.add(p("f64_big", HOLDING_REGISTER, 10, FLOAT64, BIG));
    points.add(p("i32_little", HOLDING_REGISTER, 20, INT32, LITTLE));
    points.add(p("u32_big", HOLDING_REGISTER, 22, UINT32, BIG));
    points.add(p("f64_little", HOLDING_REGISTER, 24, FLOAT64, LITTLE));
    points.add(p("i64_big", HOLDING_REGISTER, 28, INT64, BIG));
    points.add(p("i64_little", HOLDING_REGISTER, 32, INT64, LITTLE));
    points.add(
        new ModbusPointConfig(
            "u16_bytes_swapped",
            HOLDING_REGISTER,
            36,
            UINT16,
            null,
            null,
            LITTLE,
            null,
            null,
            null,
            null));
    points.add(p("ir0", INPUT_REGISTER, 0, UINT16, null));
    points.add(
        new ModbusPointConfig(
            "ir_bit15", INPUT_REGISTER, 1, BIT, 15, null, null, null, null, null, null));
    points.add(p("ir_f32_little", INPUT_REGISTER, 2, FLOAT32, LITTLE));
    points.add(w("coil0", COIL, 0, BOOL, null, null));
    points.add(p("coil1", COIL, 1, BOOL, null));
    points.add(p("di2", DISCRETE_INPUT, 2, BOOL, null));
    points.add(p("missing", HOLDING_REGISTER, 100, UINT16, null));
    points.add(w("w_f32_little", HOLDING_REGISTER, 14, FLOAT32, LITTLE, null));
    points.add(w("w_i16", HOLDING_REGISTER, 16, INT16, null, null));
    points.add(w("w_i32_little", HOLDING_REGISTER, 40, INT32, LITTLE, null));
    points.add(w("w_u32_big", HOLDING_REGISTER, 42, UINT32, BIG, null));
    points.add(w("w_f64_little", HOLDING_REGISTER, 44, FLOAT64, LITTLE, null));
    points.add(w("w_i64_big", HOLDING_REGISTER, 48, INT64, BIG, null));
    points.add(w("w_bit3", HOLDING_REGISTER, 52, BIT, null, 3));
    points.add(w("w_u16", HOLDING_REGISTER, 53, UINT16, null, null));
    return points;
  }

  /** What every readable point must read first (the written ones start at zero). */
  static Map<String, PointValue> expected() {
    Map<String, PointValue> e = new LinkedHashMap<>();
    e.put("f32_big", PointValue.of(123.456));
    e.put("f32_little", PointValue.of(123.456));
    e.put("i16", PointValue.of(-2L));
    e.put("u16", PointValue.of(65535L));
    e.put("i32_big", PointValue.of(-100000L));
    e.put("u32_little", PointValue.of(3000000000L));
    e.put("f64_big", PointValue.of(-0.5));
    e.put("i32_little", PointValue.of(-100000L));
    e.put("u32_big", PointValue.of(3000000000L));
    e.put("f64_little", PointValue.of(-0.5));
    e.put("i64_big", PointValue.of(-1234567890123L));
    e.put("i64_little", PointValue.of(-1234567890123L));
    e.put("u16_bytes_swapped", PointValue.of(165L));
    e.put("ir0", PointValue.of(1234L));
    e.put("ir_bit15", PointValue.of(true));
    e.put("ir_f32_little", PointValue.of(-1.5));
    e.put("coil0", PointValue.of(false));
    e.put("coil1", PointValue.of(true));
    e.put("di2", PointValue.of(true));
    e.put("w_f32_little", PointValue.of(0.0));
    e.put("w_i16", PointValue.of(0L));
    e.put("w_i32_little", PointValue.of(0L));
    e.put("w_u32_big", PointValue.of(0L));
    e.put("w_f64_little", PointValue.of(0.0));
    e.put("w_i64_big", PointValue.of(0L));
    e.put("w_bit3", PointValue.of(false));
    e.put("w_u16", PointValue.of(0L));
    return e;
  }

  /** A write per writable point, each a value its type's encoding would get wrong if misordered. */
  static Map<String, PointValue> writes() {
    Map<String, PointValue> w = new LinkedHashMap<>();
    w.put("coil0", PointValue.of(true));
    w.put("w_f32_little", PointValue.of(21.25));
    w.put("w_i16", PointValue.of(-7L));
    w.put("w_i32_little", PointValue.of(-123456L));
    w.put("w_u32_big", PointValue.of(4000000000L));
    w.put("w_f64_little", PointValue.of(-1.0e10));
    w.put("w_i64_big", PointValue.of(-9876543210L));
    w.put("w_bit3", PointValue.of(true));
    w.put("w_u16", PointValue.of(40000L));
    return w;
  }

  /** Checks the first sample of every point of {@code device}, the BAD one included. */
  static void assertReads(Samples samples, String device, Duration wait) throws Exception {
    samples.awaitAll(
        all ->
            all.stream().filter(s -> s.point().device().equals(device)).count() >= points().size(),
        wait,
        "a sample of every point of " + device);
    for (var e : expected().entrySet()) {
      PointSample s =
          samples.all().stream()
              .filter(
                  x -> x.point().device().equals(device) && x.point().point().equals(e.getKey()))
              .findFirst()
              .orElseThrow();
      assertEquals(Quality.GOOD, s.quality(), device + "/" + e.getKey());
      assertEquals(e.getValue(), s.value(), device + "/" + e.getKey());
    }
    PointSample missing =
        samples.all().stream()
            .filter(x -> x.point().device().equals(device) && x.point().point().equals("missing"))
            .findFirst()
            .orElseThrow();
    assertEquals(Quality.bad("exception 02 ILLEGAL_DATA_ADDRESS"), missing.quality());
  }

  /** Writes every writable point and waits until each new value is read back. */
  static void assertWrites(ProtocolAdapter adapter, Samples samples, String device, Duration wait)
      throws Exception {
    for (var e : writes().entrySet()) {
      WriteResult r =
          adapter
              .write(new WriteCommand(new PointId(device, e.getKey()), e.getValue(), "test"))
              .toCompletableFuture()
              .join();
      assertEquals(WriteResult.Status.OK, r.status(), e.getKey() + ": " + r.detail());
      samples.await(
          point(e.getKey())
              .and(s -> s.point().device().equals(device))
              .and(s -> e.getValue().equals(s.value())),
          wait,
          device + "/" + e.getKey() + " read back as " + e.getValue());
    }
  }
}
