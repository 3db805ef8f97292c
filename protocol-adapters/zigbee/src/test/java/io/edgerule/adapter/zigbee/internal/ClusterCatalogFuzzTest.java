package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.zigbee.internal.ClusterCatalog.Decoded;
import io.edgerule.adapter.zigbee.internal.ClusterCatalog.PointSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Attribute values of every kind a report could carry (out-of-range integers, fractions, NaN, huge
 * BigIntegers, strings, arrays, null) with hostile scaling attributes, against every point of the
 * catalog: a value of the point's type, an Invalid with a reason, or an IllegalArgumentException
 * with a message (which the session turns into BAD quality). Never a wrapped-around reading.
 */
class ClusterCatalogFuzzTest {
  private static final long SEED = 0x5EED_1003L;
  private static final List<PointSpec> READABLE =
      ClusterCatalog.all().stream().filter(PointSpec::readable).toList();

  private static Object raw(SplittableRandom r) {
    return switch (r.nextInt(14)) {
      case 0 -> r.nextInt(-40_000, 70_000);
      case 1 -> r.nextLong();
      case 2 -> (short) r.nextInt();
      case 3 -> (byte) r.nextInt();
      case 4 -> r.nextBoolean();
      case 5 -> r.nextDouble(-1e5, 1e5);
      case 6 -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, -0.0}[r.nextInt(3)];
      case 7 -> (float) r.nextInt(0, 100) + 0.5f;
      case 8 -> BigInteger.ONE.shiftLeft(r.nextInt(60, 80)).add(BigInteger.valueOf(5));
      case 9 -> new BigDecimal("21.5");
      case 10 -> "21.5";
      case 11 -> new int[] {1, 2};
      case 12 -> null;
      default -> r.nextInt(0, 0x10000);
    };
  }

  private static Map<Integer, Integer> scaling(SplittableRandom r) {
    Map<Integer, Integer> s = new HashMap<>();
    for (int attribute : ClusterCatalog.SCALING_ATTRIBUTES) {
      if (r.nextBoolean()) {
        int[] hostile = {0, 1, -1, 10, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE};
        s.put(attribute, hostile[r.nextInt(hostile.length)]);
      }
    }
    return s;
  }

  /** The whole number a raw value stands for, or null when it is none. */
  private static Long whole(Object raw) {
    if (raw instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (raw instanceof Byte
        || raw instanceof Short
        || raw instanceof Integer
        || raw instanceof Long) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (raw instanceof Number n) {
      double d = n.doubleValue();
      return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63 ? (long) d : null;
    }
    return null;
  }

  @Test
  void everyRawValueDecodesToTheTypeOrAReason() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 20_000; n++) {
      PointSpec spec = READABLE.get(r.nextInt(READABLE.size()));
      Object raw = raw(r);
      Map<Integer, Integer> scaling = scaling(r);
      int at = n;
      Supplier<String> where =
          () ->
              "seed %d case %d: %s <- %s (%s) scaling %s"
                  .formatted(
                      SEED,
                      at,
                      spec.address(),
                      raw instanceof int[] a ? Arrays.toString(a) : String.valueOf(raw),
                      raw == null ? "null" : raw.getClass().getSimpleName(),
                      scaling);
      Decoded d;
      try {
        d = spec.decoder().decode(raw, scaling);
      } catch (IllegalArgumentException e) {
        assertNotNull(e.getMessage(), where);
        assertFalse(e.getMessage().isBlank(), where);
        assertNull(whole(raw), () -> where.get() + ": refused a whole number: " + e.getMessage());
        continue;
      } catch (RuntimeException e) {
        fail(where.get() + ": " + e, e);
        return;
      }
      assertNotNull(d, where);
      Long whole = whole(raw);
      assertNotNull(whole, () -> where.get() + ": decoded what is not a whole number: " + d);
      if (d instanceof Decoded.Invalid invalid) {
        assertFalse(invalid.reason().isBlank(), where);
        continue;
      }
      PointValue v = assertInstanceOf(Decoded.Value.class, d, where).value();
      assertEquals(spec.type(), v.type(), where);
      // the attribute's own range: a value outside it is not measured, it is garbage
      boolean signed16 = spec.name().equals("temperature") || spec.name().equals("power");
      boolean eightBit = spec.name().equals("level");
      long lo = signed16 ? Short.MIN_VALUE : 0;
      long hi = eightBit ? 0xFF : 0xFFFF; // int16 also in its unsigned form 0x8000..0xFFFF
      if (!spec.name().equals("on_off") && !spec.name().equals("occupancy")) {
        assertTrue(whole >= lo && whole <= hi, () -> where.get() + ": out-of-range raw gave " + v);
      }
    }
  }

  @Test
  void outOfRangeRawValuesAreInvalidNotWrapped() {
    PointSpec temperature =
        ClusterCatalog.forAttribute(ClusterCatalog.TEMPERATURE, 0).orElseThrow();
    Decoded d = temperature.decoder().decode(70_000, Map.of()); // 70000 & 0xFFFF = 44.64 °C
    assertTrue(
        assertInstanceOf(Decoded.Invalid.class, d, d.toString()).reason().contains("70000"),
        d.toString());
    PointSpec level = ClusterCatalog.forAttribute(ClusterCatalog.LEVEL_CONTROL, 0).orElseThrow();
    assertInstanceOf(Decoded.Invalid.class, level.decoder().decode(256, Map.of()));
    assertInstanceOf(Decoded.Invalid.class, level.decoder().decode(-1, Map.of()));
  }

  @Test
  void lookupsOfAnyIdAreSafe() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    for (int n = 0; n < 10_000; n++) {
      int cluster = r.nextBoolean() ? r.nextInt() : r.nextInt(0, 0x10000);
      int attribute = r.nextBoolean() ? r.nextInt() : r.nextInt(-1, 0x10000);
      for (PointSpec s : ClusterCatalog.forCluster(cluster)) {
        assertEquals(cluster, s.clusterId());
      }
      ClusterCatalog.forAttribute(cluster, attribute)
          .ifPresent(s -> assertEquals(attribute, s.attributeId()));
    }
  }

  @Test
  void writtenValuesAreConvertedOnlyWhenMeant() {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    double[] doubles = {Double.NaN, Double.POSITIVE_INFINITY, 1e15, 1e15 - 1, -0.0, 2.5, 3.0};
    for (int n = 0; n < 10_000; n++) {
      PointValue v =
          switch (r.nextInt(5)) {
            case 0 -> PointValue.of(r.nextBoolean());
            case 1 -> PointValue.of(r.nextBoolean() ? r.nextLong() : r.nextLong(-2, 3));
            case 2 -> PointValue.of(doubles[r.nextInt(doubles.length)]);
            case 3 -> PointValue.of("1");
            default -> PointValue.of(new byte[] {1});
          };
      Boolean b = Values.asBool(v);
      if (b != null) {
        assertTrue(
            v instanceof PointValue.Bool || v.asDouble() == (b ? 1 : 0), "asBool " + v + " " + b);
      }
      Long l = Values.asLong(v);
      if (l != null) {
        assertTrue(v.asDouble() == l, "asLong " + v + " gave " + l);
        assertFalse(v instanceof PointValue.Bool, "asLong " + v);
      }
    }
  }
}
