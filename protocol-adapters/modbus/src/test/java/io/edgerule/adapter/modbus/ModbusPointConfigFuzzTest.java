package io.edgerule.adapter.modbus;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Point configs from hostile YAML values (negative or too-large addresses and bits, every type on
 * every table, NaN and infinite scales): each is either a valid point that fits the address space
 * or an IllegalArgumentException that names the point.
 */
class ModbusPointConfigFuzzTest {
  private static final long SEED = 0x5EED_0005L;
  private static final Integer[] INTS = {
    null, Integer.MIN_VALUE, -1, 0, 1, 15, 16, 65532, 65533, 65534, 65535, 65536, Integer.MAX_VALUE
  };
  private static final Double[] DOUBLES = {
    null,
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.MAX_VALUE,
    Double.MIN_VALUE
  };
  private static final String[] NAMES = {null, "", " ", "t", "tank/level", "é", "a b", "\u0000"};

  private static <T> T pick(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  private static <E extends Enum<E>> E pickOrNull(SplittableRandom r, E[] values) {
    return r.nextInt(values.length + 1) == 0 ? null : values[r.nextInt(values.length)];
  }

  @Test
  void hostileFieldsGiveAValidPointOrAnErrorNamingIt() {
    SplittableRandom r = new SplittableRandom(SEED);
    int valid = 0;
    for (int n = 0; n < 10_000; n++) {
      String name = pick(r, NAMES);
      ModbusTable table = pickOrNull(r, ModbusTable.values());
      Integer address = r.nextBoolean() ? pick(r, INTS) : Integer.valueOf(r.nextInt(0x10000));
      ModbusDataType type = pickOrNull(r, ModbusDataType.values());
      Integer bit = r.nextBoolean() ? null : pick(r, INTS);
      Endianness word = pickOrNull(r, Endianness.values());
      Endianness bytes = pickOrNull(r, Endianness.values());
      Double scale = pick(r, DOUBLES);
      Double offset = pick(r, DOUBLES);
      Double deadband = pick(r, DOUBLES);
      Boolean writable = r.nextInt(3) == 0 ? null : r.nextBoolean();
      String where =
          ("seed %d case %d: name=%s table=%s address=%s type=%s bit=%s scale=%s offset=%s"
                  + " deadband=%s writable=%s")
              .formatted(
                  SEED, n, name, table, address, type, bit, scale, offset, deadband, writable);
      ModbusPointConfig p;
      try {
        p =
            new ModbusPointConfig(
                name, table, address, type, bit, word, bytes, scale, offset, deadband, writable);
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        assertNotNull(m, where);
        assertFalse(m.isBlank(), where);
        // "field: problem", so that the config loader can point at the field's line
        assertTrue(m.matches("(?s)[a-z_]+: .+"), where + ": " + m);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      valid++;
      assertTrue(p.address() >= 0 && p.endAddress() <= 0xFFFF, where);
      assertTrue(p.width() >= 1 && p.width() <= 4, where);
      assertTrue(Double.isFinite(p.scale()) && p.scale() != 0, where);
      assertTrue(Double.isFinite(p.offset()), where);
      assertTrue(Double.isFinite(p.deadband()) && p.deadband() >= 0, where);
      assertTrue(!p.writable() || p.table().isWritable(), where);
      assertTrue(p.table().isBits() == (p.type() == ModbusDataType.BOOL), where);
      assertTrue((p.type() == ModbusDataType.BIT) == (p.bit() != null), where);
      assertFalse(p.describe().isBlank(), where);
      assertNotNull(p.valueType(), where);
    }
    assertTrue(valid > 100, "too few valid points (" + valid + "): the generator is off");
  }
}
