package io.edgerule.adapter.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ValueType;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Matrix;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.XmlElement;
import org.junit.jupiter.api.Test;

/**
 * Values a hostile or broken server can send (every built-in type at its edges, arrays with nulls,
 * matrices whose dimensions do not match their elements, dates outside the OPC-UA range) and values
 * rules can write to every DataType. Reading gives a point value (arrays as valid JSON) or a
 * ConversionException with a reason; writing converts exactly or refuses; nothing else comes out.
 */
class VariantsFuzzTest {
  private static final long SEED = 0x5EED_2002L;
  private static final long[] DATE_EDGES = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 0x7FFF_FFFF};

  private static Object scalar(SplittableRandom r) {
    return switch (r.nextInt(22)) {
      case 0 -> r.nextBoolean();
      case 1 -> (byte) r.nextInt();
      case 2 -> ubyte(r.nextInt(256));
      case 3 -> (short) r.nextInt();
      case 4 -> ushort(r.nextInt(0x10000));
      case 5 -> r.nextInt();
      case 6 -> uint(r.nextLong(0, 0x1_0000_0000L));
      case 7 -> r.nextLong();
      case 8 -> ulong(new BigInteger(64, new java.util.Random(r.nextLong())));
      case 9 -> new float[] {Float.NaN, Float.MAX_VALUE, -0f, Float.MIN_VALUE, 21.7f}[r.nextInt(5)];
      case 10 -> new double[] {Double.NaN, Double.NEGATIVE_INFINITY, 1e300, -0.0}[r.nextInt(4)];
      case 11 -> new String[] {"", "温度", "a\"b\\c\n\u0001", "😀", "\ud800"}[r.nextInt(5)];
      case 12 -> r.nextBoolean() ? ByteString.NULL_VALUE : ByteString.of(new byte[] {1, 2});
      case 13 -> new LocalizedText(r.nextBoolean() ? null : "en", r.nextBoolean() ? null : "t");
      case 14 -> new QualifiedName(r.nextInt(3), r.nextBoolean() ? null : "q");
      case 15 -> new NodeId(r.nextInt(0, 0x10000), "n");
      case 16 -> ExpandedNodeId.parse("nsu=urn:x;i=5");
      case 17 -> new DateTime(DATE_EDGES[r.nextInt(DATE_EDGES.length)] + r.nextLong(-2, 3));
      case 18 -> new UUID(r.nextLong(), r.nextLong());
      case 19 -> new StatusCode(r.nextLong(0, 0x1_0000_0000L));
      case 20 -> r.nextBoolean() ? new XmlElement(null) : new XmlElement("<a>&</a>");
      default ->
          ExtensionObject.of(
              r.nextBoolean() ? ByteString.NULL_VALUE : ByteString.of(new byte[] {9}),
              new NodeId(0, 1));
    };
  }

  private static Object value(SplittableRandom r) {
    return switch (r.nextInt(6)) {
      case 0 -> {
        Object[] a = new Object[r.nextInt(0, 5)];
        Object first = scalar(r);
        for (int i = 0; i < a.length; i++) {
          a[i] = r.nextInt(5) == 0 ? null : first;
        }
        yield a;
      }
      case 1 -> new Integer[][] {{1, 2}, {3, null}};
      case 2 -> {
        int[] dims = new int[r.nextInt(2, 4)];
        for (int i = 0; i < dims.length; i++) {
          dims[i] =
              r.nextInt(6) == 0
                  ? new int[] {-1, 0, Integer.MAX_VALUE}[r.nextInt(3)]
                  : r.nextInt(1, 4);
        }
        Integer[] flat = new Integer[r.nextInt(0, 20)];
        Arrays.fill(flat, 7);
        yield new Matrix(flat, dims, OpcUaDataType.Int32);
      }
      default -> scalar(r);
    };
  }

  @Test
  void readingAnyValueGivesAPointValueOrAReason() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 10_000; n++) {
      Object v = value(r);
      Variant variant = new Variant(v);
      String where = "seed " + SEED + " case " + n + ": " + describe(v);
      PointValue p;
      try {
        assertNotNull(Variants.typeName(variant), where);
        p = Variants.toPointValue(variant);
      } catch (Variants.ConversionException e) {
        assertNotNull(e.getMessage(), where);
        assertFalse(e.getMessage().isBlank(), where);
        continue;
      } catch (RuntimeException | OutOfMemoryError e) {
        fail(where + ": " + e, e);
        return;
      }
      assertNotNull(p, where);
      if (v.getClass().isArray() || v instanceof Matrix) {
        String json = ((PointValue.Text) p).value();
        assertTrue(Json.valid(json), where + ": not JSON: " + json);
      }
      if (v instanceof DateTime) {
        Instant t = Instant.parse(((PointValue.Text) p).value());
        assertFalse(t.isBefore(Instant.parse("1601-01-01T00:00:00Z")), where + ": " + t);
        assertFalse(t.isAfter(Instant.parse("9999-12-31T23:59:59Z")), where + ": " + t);
      }
    }
  }

  @Test
  void aMatrixWhoseDimensionsDoNotMatchIsRefusedWithoutAllocatingThem() {
    Matrix huge =
        new Matrix(new Integer[] {1, 2}, new int[] {Integer.MAX_VALUE, 2}, OpcUaDataType.Int32);
    var e =
        assertThrows(
            Variants.ConversionException.class, () -> Variants.toPointValue(new Variant(huge)));
    assertTrue(e.getMessage().contains("dimension"), e.getMessage());
    Matrix emptyRows =
        new Matrix(new Integer[0], new int[] {Integer.MAX_VALUE, 0}, OpcUaDataType.Int32);
    try {
      assertEquals(PointValue.of("[]"), Variants.toPointValue(new Variant(emptyRows)));
    } catch (Variants.ConversionException ex) {
      fail(ex);
    }
    Matrix ok = new Matrix(new Integer[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3}, OpcUaDataType.Int32);
    try {
      assertEquals(PointValue.of("[[1,2,3],[4,5,6]]"), Variants.toPointValue(new Variant(ok)));
    } catch (Variants.ConversionException ex) {
      fail(ex);
    }
  }

  private static PointValue pointValue(SplittableRandom r) {
    return switch (r.nextInt(7)) {
      case 0 -> PointValue.of(r.nextBoolean());
      case 1 ->
          PointValue.of(
              r.nextBoolean()
                  ? r.nextLong()
                  : new long[] {
                        0,
                        -1,
                        255,
                        256,
                        65535,
                        65536,
                        1L << 24,
                        (1L << 24) + 1,
                        1L << 53,
                        (1L << 53) + 1,
                        Long.MIN_VALUE,
                        Long.MAX_VALUE,
                        0xFFFF_FFFFL
                      }
                      [r.nextInt(13)]);
      case 2 ->
          PointValue.of(
              new double[] {
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    3.5,
                    -0.0,
                    1e39,
                    255.0,
                    0x1p63,
                    0x1p62,
                    21.7
                  }
                  [r.nextInt(9)]);
      case 3 ->
          PointValue.of(
              new String[] {
                    "",
                    "x",
                    "72962b91-fa75-4ae6-8d28-b404dc7daf63",
                    "1-1-1-1-1",
                    "2026-01-31T12:00:00Z",
                    "+1000000000-01-01T00:00:00Z",
                    "1600-01-01T00:00:00Z",
                    "-999999999-01-01T00:00:00Z",
                    "9999-12-31T23:59:59Z"
                  }
                  [r.nextInt(9)]);
      default -> PointValue.of(new byte[r.nextInt(0, 4)]);
    };
  }

  @Test
  void writingAnyValueToAnyTypeConvertsExactlyOrRefuses() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    OpcUaDataType[] types = OpcUaDataType.values();
    for (int n = 0; n < 10_000; n++) {
      PointValue value = pointValue(r);
      OpcUaDataType target = r.nextInt(20) == 0 ? null : types[r.nextInt(types.length)];
      String where =
          "seed " + (SEED + 1) + " case " + n + ": " + value.type() + " " + value + " -> " + target;
      Variant v;
      try {
        v = Variants.toVariant(value, target, String.valueOf(target));
      } catch (Variants.ConversionException e) {
        assertFalse(e.getMessage().isBlank(), where);
        continue;
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
        return;
      }
      assertNotNull(v.value(), where);
      if (target == OpcUaDataType.DateTime) {
        Instant written = ((DateTime) v.value()).getJavaInstant();
        assertEquals(Instant.parse(((PointValue.Text) value).value()), written, where);
      }
      if (target == OpcUaDataType.Guid) {
        assertEquals(((PointValue.Text) value).value(), v.value().toString(), where);
      }
      if (value instanceof PointValue.Int64 || value instanceof PointValue.Float64) {
        if (v.value() instanceof Number written && target != OpcUaDataType.Float) {
          double back =
              written instanceof org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong u
                  ? u.toBigInteger().doubleValue()
                  : written.doubleValue();
          assertTrue(
              back == value.asDouble() || (Double.isNaN(back) && Double.isNaN(value.asDouble())),
              where + ": wrote " + written);
        }
      }
    }
  }

  @Test
  void coercionGivesTheDeclaredTypeOrRefuses() {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    for (int n = 0; n < 10_000; n++) {
      PointValue value = pointValue(r);
      ValueType declared = ValueType.values()[r.nextInt(ValueType.values().length)];
      String where = "seed " + (SEED + 2) + " case " + n + ": " + value + " as " + declared;
      try {
        PointValue c = Variants.coerce(value, declared, "Source");
        assertEquals(declared, c.type(), where);
        if (c != value) {
          assertTrue(c.asDouble() == value.asDouble(), where + ": became " + c);
        }
      } catch (Variants.ConversionException e) {
        assertFalse(e.getMessage().isBlank(), where);
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
      }
    }
  }

  private static String describe(Object v) {
    if (v instanceof Object[] a) {
      return Arrays.deepToString(a);
    }
    if (v instanceof Matrix m) {
      return "Matrix "
          + Arrays.toString(m.getDimensions())
          + " of "
          + java.lang.reflect.Array.getLength(m.getElements());
    }
    return v.getClass().getSimpleName() + " " + v;
  }

  /** A strict little JSON checker: value, nothing after it. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static boolean valid(String s) {
      Json j = new Json(s);
      return j.value() && j.i == s.length();
    }

    private boolean value() {
      if (i >= s.length()) {
        return false;
      }
      char c = s.charAt(i);
      if (c == '[') {
        i++;
        if (i < s.length() && s.charAt(i) == ']') {
          i++;
          return true;
        }
        while (true) {
          if (!value()) {
            return false;
          }
          if (i < s.length() && s.charAt(i) == ',') {
            i++;
          } else {
            break;
          }
        }
        return i < s.length() && s.charAt(i++) == ']';
      }
      if (c == '"') {
        for (i++; i < s.length(); i++) {
          char d = s.charAt(i);
          if (d == '"') {
            i++;
            return true;
          }
          if (d < 0x20) {
            return false;
          }
          if (d == '\\') {
            i++;
            if (i >= s.length() || "\"\\/bfnrtu".indexOf(s.charAt(i)) < 0) {
              return false;
            }
          }
        }
        return false;
      }
      for (String literal : new String[] {"true", "false", "null"}) {
        if (s.startsWith(literal, i)) {
          i += literal.length();
          return true;
        }
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      try {
        Double.parseDouble(s.substring(start, i));
        return i > start;
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }
}
