package io.edgerule.adapter.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.modbus.Endianness;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import io.edgerule.adapter.modbus.internal.PointCodec.Encoded;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PointCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  record Vector(
      int line,
      ModbusDataType type,
      Endianness wordOrder,
      Endianness byteOrder,
      Integer bit,
      byte[] wire,
      String value) {
    ModbusPointConfig point() {
      return new ModbusPointConfig(
          "p",
          ModbusTable.HOLDING_REGISTER,
          10,
          type,
          bit,
          wordOrder,
          byteOrder,
          null,
          null,
          null,
          true);
    }

    @Override
    public String toString() {
      return "line "
          + line
          + ": "
          + type
          + " "
          + wordOrder
          + "/"
          + byteOrder
          + " "
          + HEX.formatHex(wire)
          + " = "
          + value;
    }
  }

  static Stream<Vector> vectors() throws IOException {
    try (InputStream in = PointCodecTest.class.getResourceAsStream("/vectors/point-codec.csv")) {
      List<String> lines =
          List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
      return java.util.stream.IntStream.range(0, lines.size())
          .filter(i -> !lines.get(i).isBlank() && !lines.get(i).startsWith("#"))
          .mapToObj(
              i -> {
                String[] f = lines.get(i).split(",", -1);
                return new Vector(
                    i + 1,
                    ModbusDataType.valueOf(f[0].toUpperCase(Locale.ROOT)),
                    Endianness.valueOf(f[1].toUpperCase(Locale.ROOT)),
                    Endianness.valueOf(f[2].toUpperCase(Locale.ROOT)),
                    f[3].isEmpty() ? null : Integer.valueOf(f[3]),
                    HEX.parseHex(f[4]),
                    f[5]);
              })
          .toList()
          .stream();
    }
  }

  private static PointValue expected(Vector v) {
    return switch (v.type()) {
      case BIT -> PointValue.of(Boolean.parseBoolean(v.value()));
      case FLOAT32, FLOAT64 -> PointValue.of(Double.parseDouble(v.value()));
      default -> PointValue.of(Long.parseLong(v.value()));
    };
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void decodesPublishedVectorsWhereverTheyStartInAResponse(Vector v) {
    // the point at register 10 inside a response that starts at register 9
    byte[] response = new byte[2 + v.wire().length + 2];
    response[0] = (byte) 0xAA;
    response[1] = (byte) 0x55;
    System.arraycopy(v.wire(), 0, response, 2, v.wire().length);
    assertEquals(expected(v), PointCodec.decodeRegisters(v.point(), response, 9));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void encodesTheDecodedValueBackToTheSameBytes(Vector v) {
    Encoded encoded = PointCodec.encode(v.point(), expected(v));
    if (v.type() == ModbusDataType.BIT) {
      Encoded.RegisterBit bit = assertInstanceOf(Encoded.RegisterBit.class, encoded);
      assertEquals(v.bit(), bit.bit());
      assertEquals(Boolean.parseBoolean(v.value()), bit.on());
    } else {
      assertArrayEquals(v.wire(), assertInstanceOf(Encoded.Registers.class, encoded).bytes());
    }
  }

  @Test
  void float32IsReportedAsTheDecimalAPersonWrote() {
    // 0x42F6E979 is 123.45600128173828 as a double; people wrote 123.456
    ModbusPointConfig p =
        ModbusPointConfig.of("t", ModbusTable.INPUT_REGISTER, 0, ModbusDataType.FLOAT32);
    assertEquals(
        PointValue.of(123.456),
        PointCodec.decodeRegisters(p, new byte[] {0x42, (byte) 0xF6, (byte) 0xE9, 0x79}, 0));
  }

  @Test
  void integersWithScaleOrOffsetBecomeFloat64() {
    ModbusPointConfig p =
        new ModbusPointConfig(
            "t",
            ModbusTable.HOLDING_REGISTER,
            0,
            ModbusDataType.INT16,
            null,
            null,
            null,
            0.1,
            -40.0,
            null,
            true);
    // raw 0x00FA = 250 -> 250 * 0.1 - 40 = -15.0
    assertEquals(
        PointValue.of(-15.0), PointCodec.decodeRegisters(p, new byte[] {0x00, (byte) 0xFA}, 0));
    // inverse: 21.5 -> (21.5 + 40) / 0.1 = 615 = 0x0267 (614.9999... rounds to 615)
    assertArrayEquals(
        new byte[] {0x02, 0x67},
        assertInstanceOf(Encoded.Registers.class, PointCodec.encode(p, PointValue.of(21.5)))
            .bytes());
  }

  @Test
  void unscaledIntegersStayInt64() {
    ModbusPointConfig p =
        ModbusPointConfig.of("t", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.UINT32);
    assertInstanceOf(
        PointValue.Int64.class, PointCodec.decodeRegisters(p, new byte[] {0, 0, 0, 7}, 0));
  }

  @Test
  void outOfRangeWritesAreRejectedWithTheRange() {
    ModbusPointConfig p =
        ModbusPointConfig.of("sp", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.INT16);
    Encoded.Rejected r =
        assertInstanceOf(Encoded.Rejected.class, PointCodec.encode(p, PointValue.of(40000L)));
    assertTrue(r.reason().contains("out of range for int16 (-32768..32767)"), r.reason());
    ModbusPointConfig u =
        ModbusPointConfig.of("u", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.UINT16);
    assertInstanceOf(Encoded.Rejected.class, PointCodec.encode(u, PointValue.of(-1L)));
    ModbusPointConfig f =
        ModbusPointConfig.of("f", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.FLOAT32);
    assertInstanceOf(Encoded.Rejected.class, PointCodec.encode(f, PointValue.of(1e39)));
    assertInstanceOf(Encoded.Rejected.class, PointCodec.encode(u, PointValue.of(Double.NaN)));
  }

  @Test
  void wrongValueTypesAreRejected() {
    ModbusPointConfig coil = ModbusPointConfig.of("c", ModbusTable.COIL, 0, ModbusDataType.BOOL);
    assertInstanceOf(Encoded.Rejected.class, PointCodec.encode(coil, PointValue.of(2L)));
    assertInstanceOf(Encoded.Rejected.class, PointCodec.encode(coil, PointValue.of("on")));
    assertEquals(new Encoded.Coil(true), PointCodec.encode(coil, PointValue.of(1L)));
    ModbusPointConfig reg =
        ModbusPointConfig.of("r", ModbusTable.HOLDING_REGISTER, 0, ModbusDataType.INT32);
    assertInstanceOf(Encoded.Rejected.class, PointCodec.encode(reg, PointValue.of(true)));
  }

  @Test
  void packedBitsAreReadLsbFirst() {
    // coils 0..9 = 1,0,1,1,0,0,0,0, 1,0 -> bytes 0x0D 0x01
    byte[] packed = {0x0D, 0x01};
    boolean[] expected = {true, false, true, true, false, false, false, false, true, false};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], RegisterCodec.bit(packed, i), "bit " + i);
    }
  }
}
