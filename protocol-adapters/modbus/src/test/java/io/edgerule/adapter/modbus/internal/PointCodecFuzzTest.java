package io.edgerule.adapter.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.modbus.Endianness;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import io.edgerule.adapter.modbus.internal.PointCodec.Encoded;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Register points of every data type and byte/word order decoded from random, too-short and
 * odd-length data at hostile offsets, and written with hostile values (NaN, infinities, overflowing
 * scale). A decode gives a value or an IllegalArgumentException with a message; an encode gives
 * bytes or a Rejected reason; both never anything else.
 */
class PointCodecFuzzTest {
  private static final long SEED = 0x5EED_0003L;
  private static final HexFormat HEX = HexFormat.of();
  private static final List<ModbusDataType> REGISTER_TYPES =
      List.of(
          ModbusDataType.BIT,
          ModbusDataType.INT16,
          ModbusDataType.UINT16,
          ModbusDataType.INT32,
          ModbusDataType.UINT32,
          ModbusDataType.FLOAT32,
          ModbusDataType.INT64,
          ModbusDataType.FLOAT64);
  private static final double[] HOSTILE_DOUBLES = {
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    Double.MIN_VALUE,
    -0.0,
    0x1p63,
    -0x1p63,
    0x1p64,
    Float.MAX_VALUE,
    3.5e38,
    65535.5,
    -0.5,
    1e300
  };

  private static ModbusPointConfig point(SplittableRandom r, int address) {
    ModbusDataType type = REGISTER_TYPES.get(r.nextInt(REGISTER_TYPES.size()));
    boolean bool = type == ModbusDataType.BIT;
    Double scale = null;
    Double offset = null;
    if (!bool && r.nextInt(3) == 0) {
      scale = r.nextBoolean() ? r.nextDouble(-1000, 1000) : (r.nextBoolean() ? 1e-300 : 1e300);
      scale = scale == 0 ? 1 : scale;
      offset = r.nextBoolean() ? r.nextDouble(-1e6, 1e6) : (r.nextBoolean() ? 1e308 : -1e308);
    }
    return new ModbusPointConfig(
        "p",
        ModbusTable.HOLDING_REGISTER,
        Math.min(address, 0xFFFF - 3),
        type,
        bool ? r.nextInt(16) : null,
        r.nextBoolean() ? Endianness.BIG : Endianness.LITTLE,
        r.nextBoolean() ? Endianness.BIG : Endianness.LITTLE,
        scale,
        offset,
        null,
        true);
  }

  private static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  @Test
  void decodingShortOddOrMisplacedDataGivesAValueOrANamedError() {
    SplittableRandom r = new SplittableRandom(SEED);
    int decoded = 0;
    for (int n = 0; n < 20_000; n++) {
      ModbusPointConfig p = point(r, r.nextInt(0x10000));
      byte[] data = randomBytes(r, r.nextInt(0, 12));
      int blockStart =
          switch (r.nextInt(4)) {
            case 0 -> p.address() - r.nextInt(0, 8);
            case 1 -> p.address() + r.nextInt(1, 4); // the block starts after the point
            case 2 -> r.nextInt();
            default ->
                // 2 * (address - blockStart) lands next to Integer.MAX_VALUE after overflow
                p.address() - (Integer.MAX_VALUE / 2) + r.nextInt(-4, 4);
          };
      long offset = 2L * ((long) p.address() - blockStart);
      boolean fits = offset >= 0 && offset + 2L * p.type().words() <= data.length;
      int at = n;
      Supplier<String> where =
          () ->
              "seed %d case %d: %s, data %s, block start %d"
                  .formatted(SEED, at, p.describe(), HEX.formatHex(data), blockStart);
      try {
        PointValue v = PointCodec.decodeRegisters(p, data, blockStart);
        assertTrue(fits, () -> where.get() + " decoded data it does not have: " + v);
        assertEquals(p.valueType(), v.type(), where);
        decoded++;
      } catch (IllegalArgumentException e) {
        assertFalse(fits, () -> where.get() + ": " + e.getMessage());
        assertNotNull(e.getMessage(), where);
        assertFalse(e.getMessage().isBlank(), where);
      } catch (RuntimeException e) {
        fail(where.get() + ": " + e, e);
      }
    }
    assertTrue(decoded > 1_000, "too few decodes (" + decoded + "): the generator is off");
  }

  @Test
  void aBoolPointIsNotDecodedFromRegisters() {
    ModbusPointConfig coil = ModbusPointConfig.of("c", ModbusTable.COIL, 0, ModbusDataType.BOOL);
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> PointCodec.decodeRegisters(coil, new byte[] {0, 1}, 0));
    assertTrue(e.getMessage().contains("'c'"), e.getMessage());
  }

  /** Every bit pattern of every integer type reads back to the bytes it came from. */
  @Test
  void unscaledIntegersRoundTripInEveryOrder() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    for (int n = 0; n < 10_000; n++) {
      ModbusPointConfig p = point(r, 0);
      if (!p.type().isInteger() || p.isScaled()) {
        continue;
      }
      byte[] wire = randomBytes(r, 2 * p.type().words());
      String where =
          "seed %d case %d: %s %s".formatted(SEED + 1, n, p.describe(), HEX.formatHex(wire));
      PointValue v = PointCodec.decodeRegisters(p, wire, 0);
      Encoded e = PointCodec.encode(p, v);
      assertArrayEquals(wire, assertInstanceOf(Encoded.Registers.class, e, where).bytes(), where);
    }
  }

  /** Floats keep NaN and the infinities as they are; other floats round-trip exactly. */
  @Test
  void floatsIncludingNanAndInfinityRoundTrip() {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    for (int n = 0; n < 20_000; n++) {
      ModbusDataType type = r.nextBoolean() ? ModbusDataType.FLOAT32 : ModbusDataType.FLOAT64;
      ModbusPointConfig p = ModbusPointConfig.of("f", ModbusTable.HOLDING_REGISTER, 0, type);
      byte[] wire = randomBytes(r, 2 * type.words());
      if (r.nextInt(4) == 0) { // exponent all ones: NaN or an infinity
        wire[0] |= 0x7F;
        wire[1] |= (byte) (type == ModbusDataType.FLOAT32 ? 0x80 : 0xF0);
      }
      String where = "seed %d case %d: %s %s".formatted(SEED + 2, n, type, HEX.formatHex(wire));
      double d = PointCodec.decodeRegisters(p, wire, 0).asDouble();
      Encoded e = PointCodec.encode(p, PointValue.of(d));
      byte[] back = assertInstanceOf(Encoded.Registers.class, e, where).bytes();
      if (Double.isNaN(d)) {
        assertTrue(Double.isNaN(PointCodec.decodeRegisters(p, back, 0).asDouble()), where);
      } else {
        assertArrayEquals(wire, back, where);
      }
    }
  }

  /** A finite value must not reach the wire as an infinity, whatever the scale and offset. */
  @Test
  void hostileValuesAreWrittenExactlyOrRejectedWithAReason() {
    SplittableRandom r = new SplittableRandom(SEED + 3);
    for (int n = 0; n < 20_000; n++) {
      ModbusPointConfig p = point(r, 0);
      PointValue value =
          switch (r.nextInt(6)) {
            case 0 -> PointValue.of(HOSTILE_DOUBLES[r.nextInt(HOSTILE_DOUBLES.length)]);
            case 1 -> PointValue.of(r.nextLong());
            case 2 -> PointValue.of(r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE);
            case 3 -> PointValue.of(r.nextDouble(-1e20, 1e20));
            case 4 -> PointValue.of(r.nextBoolean());
            default -> r.nextBoolean() ? PointValue.of("12") : PointValue.of(new byte[] {1});
          };
      String where = "seed %d case %d: %s <- %s".formatted(SEED + 3, n, p.describe(), value);
      Encoded e;
      try {
        e = PointCodec.encode(p, value);
      } catch (RuntimeException ex) {
        fail(where + ": " + ex, ex);
        return;
      }
      assertNotNull(e, where);
      if (e instanceof Encoded.Rejected rejected) {
        assertFalse(rejected.reason().isBlank(), where);
        assertTrue(rejected.reason().contains("'p'"), where + ": " + rejected.reason());
      } else if (e instanceof Encoded.Registers regs) {
        assertEquals(2 * p.type().words(), regs.bytes().length, where);
        double back = PointCodec.decodeRegisters(p, regs.bytes(), 0).asDouble();
        if (Double.isFinite(value.asDouble())) {
          assertFalse(Double.isInfinite(raw(p, regs.bytes())), where + " became " + back);
        }
      }
    }
  }

  @Test
  void aFiniteValueThatScalesToInfinityIsRejectedWithTheFloatRange() {
    ModbusPointConfig p =
        new ModbusPointConfig(
            "f",
            ModbusTable.HOLDING_REGISTER,
            0,
            ModbusDataType.FLOAT64,
            null,
            null,
            null,
            1e-300,
            null,
            null,
            true);
    Encoded.Rejected r =
        assertInstanceOf(Encoded.Rejected.class, PointCodec.encode(p, PointValue.of(1e300)));
    assertTrue(
        r.reason().contains("out of range for float64 (±1.7976931348623157E308)"), r.reason());
  }

  /** The raw (unscaled) float on the wire of a float point, 0 for integer types. */
  private static double raw(ModbusPointConfig p, byte[] bytes) {
    if (p.type() == ModbusDataType.FLOAT32) {
      return Float.intBitsToFloat(
          (int) RegisterCodec.read(bytes, 0, 2, p.wordOrder(), p.byteOrder()));
    }
    if (p.type() == ModbusDataType.FLOAT64) {
      return Double.longBitsToDouble(RegisterCodec.read(bytes, 0, 4, p.wordOrder(), p.byteOrder()));
    }
    return 0;
  }

  @Test
  void registerCodecRefusesRangesOutsideTheData() {
    SplittableRandom r = new SplittableRandom(SEED + 4);
    int[] hostile = {
      Integer.MIN_VALUE, -2, -1, 0, 1, 2, 7, Integer.MAX_VALUE - 1, Integer.MAX_VALUE
    };
    for (int n = 0; n < 20_000; n++) {
      byte[] data = randomBytes(r, r.nextInt(0, 10));
      int offset = r.nextBoolean() ? hostile[r.nextInt(hostile.length)] : r.nextInt(-2, 12);
      int words = r.nextInt(-1, 6);
      Endianness w = r.nextBoolean() ? Endianness.BIG : Endianness.LITTLE;
      Endianness b = r.nextBoolean() ? Endianness.BIG : Endianness.LITTLE;
      boolean fits =
          words >= 1 && words <= 4 && offset >= 0 && (long) offset + 2L * words <= data.length;
      String where =
          "seed %d case %d: %d words at %d of %s"
              .formatted(SEED + 4, n, words, offset, HEX.formatHex(data));
      try {
        long raw = RegisterCodec.read(data, offset, words, w, b);
        assertTrue(fits, where);
        assertArrayEquals(
            java.util.Arrays.copyOfRange(data, offset, offset + 2 * words),
            RegisterCodec.write(raw, words, w, b),
            where);
      } catch (IllegalArgumentException e) {
        assertFalse(fits, where + ": " + e.getMessage());
        assertFalse(e.getMessage().isBlank(), where);
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
      }
      int bit = r.nextBoolean() ? hostile[r.nextInt(hostile.length)] : r.nextInt(-9, 90);
      try {
        RegisterCodec.bit(data, bit);
        assertTrue(bit >= 0 && bit / 8 < data.length, where + " bit " + bit);
      } catch (IllegalArgumentException e) {
        assertFalse(bit >= 0 && bit / 8 < data.length, where + " bit " + bit);
      }
    }
  }
}
