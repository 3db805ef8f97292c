package io.edgerule.adapter.opcua.internal;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ValueType;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.regex.Pattern;
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
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned;

/**
 * Converts between OPC-UA values and gateway values. Pure functions, no I/O.
 *
 * <p>Reading: integers of every width become INT64, Float and Double become FLOAT64 (a Float keeps
 * the decimal a person sees: 21.7f reads as 21.7), Boolean is BOOL, ByteString is BYTES, strings
 * and other text-like values are STRING, arrays become a JSON array in a STRING, structures
 * (ExtensionObject) become BYTES holding their binary encoding.
 *
 * <p>Writing: a value is converted to the node's DataType only when that is exact; anything else is
 * refused with the reason (a write is never guessed: 3.5 is not written to an Int32, 300 not to a
 * Byte, 1 not to a Boolean).
 */
public final class Variants {
  private Variants() {}

  private static final Pattern GUID =
      Pattern.compile(
          "\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

  /** A value that cannot be converted; the message says why. */
  public static final class ConversionException extends Exception {
    public ConversionException(String message) {
      super(message);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // OPC-UA -> gateway

  /**
   * The gateway value of a Variant.
   *
   * @throws ConversionException for an empty Variant or an unsigned 64-bit value above the int64
   *     range
   */
  public static PointValue toPointValue(Variant variant) throws ConversionException {
    Object v = variant == null ? null : variant.value();
    if (v == null) {
      throw new ConversionException("the server sent an empty value");
    }
    if (v instanceof Matrix m) {
      checkDimensions(m);
    }
    if (v.getClass().isArray() || v instanceof Matrix) {
      return PointValue.of(json(v));
    }
    return scalar(v);
  }

  /**
   * A matrix comes off the wire as its elements and, separately, its dimensions: reshaping by
   * dimensions that do not match would allocate them (2^31 rows for two elements) or read past the
   * elements.
   */
  private static void checkDimensions(Matrix m) throws ConversionException {
    Object elements = m.getElements();
    int[] dims = m.getDimensions();
    if (elements == null || dims == null || dims.length <= 1) {
      return; // read flat
    }
    long product = 1;
    for (int d : dims) {
      if (d < 0) {
        product = -1;
        break;
      }
      product = Math.min(product * d, Integer.MAX_VALUE + 1L); // no overflow, still a mismatch
    }
    int length = Array.getLength(elements);
    if (product != length) {
      throw new ConversionException(
          "the server sent a matrix of dimensions "
              + java.util.Arrays.toString(dims)
              + " with "
              + length
              + " elements");
    }
  }

  private static PointValue scalar(Object v) throws ConversionException {
    if (v instanceof Boolean b) {
      return PointValue.of(b.booleanValue());
    }
    if (v instanceof ULong u) {
      BigInteger big = u.toBigInteger();
      if (big.bitLength() > 63) {
        throw new ConversionException("UInt64 value " + big + " does not fit in int64");
      }
      return PointValue.of(big.longValue());
    }
    if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
      return PointValue.of(((Number) v).longValue());
    }
    if (v instanceof UByte || v instanceof UShort || v instanceof UInteger) {
      return PointValue.of(((Number) v).longValue());
    }
    if (v instanceof Float f) {
      return PointValue.of(
          Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f.doubleValue());
    }
    if (v instanceof Double d) {
      return PointValue.of(d.doubleValue());
    }
    if (v instanceof String s) {
      return PointValue.of(s);
    }
    if (v instanceof ByteString bs) {
      return PointValue.of(bs.bytesOrEmpty());
    }
    if (v instanceof ExtensionObject eo) {
      Object body = eo.getBody();
      if (body instanceof ByteString bs) {
        return PointValue.of(bs.bytesOrEmpty());
      }
      return PointValue.of(String.valueOf(body));
    }
    return PointValue.of(text(v));
  }

  /** The text form of text-like scalars (also used inside JSON arrays). */
  private static String text(Object v) {
    if (v instanceof LocalizedText lt) {
      return lt.text() == null ? "" : lt.text();
    }
    if (v instanceof QualifiedName qn) {
      return qn.name() == null ? "" : qn.name();
    }
    if (v instanceof NodeId id) {
      return id.toParseableString();
    }
    if (v instanceof ExpandedNodeId id) {
      return id.toParseableString();
    }
    if (v instanceof DateTime dt) {
      return instant(dt).toString();
    }
    if (v instanceof UUID u) {
      return u.toString();
    }
    if (v instanceof StatusCode sc) {
      return Errors.statusName(sc.value());
    }
    if (v instanceof XmlElement x) {
      return x.getFragmentOrEmpty();
    }
    return String.valueOf(v);
  }

  /** The OPC-UA DateTime range (Part 6, 5.2.2.5); values outside it mean its ends. */
  private static final Instant MIN_TIME = Instant.parse("1601-01-01T00:00:00Z");

  private static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59Z");
  private static final long MAX_UTC = new DateTime(MAX_TIME).getUtcTime();

  /**
   * 0 and below are the earliest time and Int64.MaxValue the latest: converting them as numbers
   * wraps around (Long.MIN_VALUE read as a year past 30000).
   */
  private static Instant instant(DateTime dt) {
    if (dt.getUtcTime() <= 0) {
      return MIN_TIME;
    }
    return dt.getUtcTime() >= MAX_UTC ? MAX_TIME : dt.getJavaInstant();
  }

  /** JSON for arrays and matrices: numbers and booleans bare, everything else as strings. */
  static String json(Object v) {
    StringBuilder b = new StringBuilder();
    appendJson(b, v instanceof Matrix m ? nested(m) : v);
    return b.toString();
  }

  private static Object nested(Matrix m) {
    Object elements = m.getElements();
    int[] dims = m.getDimensions();
    if (elements == null || dims.length <= 1) {
      return elements == null ? new Object[0] : elements;
    }
    if (Array.getLength(elements) == 0) {
      return elements; // dimensions like [2^31 - 1, 0] would allocate the empty rows
    }
    return reshape(elements, dims, 0, new int[] {0});
  }

  private static Object[] reshape(Object flat, int[] dims, int level, int[] cursor) {
    Object[] out = new Object[dims[level]];
    for (int i = 0; i < dims[level]; i++) {
      out[i] =
          level == dims.length - 1
              ? Array.get(flat, cursor[0]++)
              : reshape(flat, dims, level + 1, cursor);
    }
    return out;
  }

  private static void appendJson(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v.getClass().isArray()) {
      b.append('[');
      int n = Array.getLength(v);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          b.append(',');
        }
        appendJson(b, Array.get(v, i));
      }
      b.append(']');
    } else if (v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Float f) {
      appendNumber(b, Float.isFinite(f) ? Double.parseDouble(Float.toString(f)) : f.doubleValue());
    } else if (v instanceof Double d) {
      appendNumber(b, d);
    } else if (v instanceof Number n) {
      b.append(n instanceof ULong u ? u.toBigInteger().toString() : Long.toString(n.longValue()));
    } else if (v instanceof ByteString bs) {
      appendString(b, java.util.HexFormat.of().formatHex(bs.bytesOrEmpty()));
    } else {
      appendString(b, text(v));
    }
  }

  private static void appendNumber(StringBuilder b, double d) {
    if (Double.isFinite(d)) {
      b.append(
          d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
    } else {
      appendString(b, Double.toString(d));
    }
  }

  private static void appendString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /**
   * The value as the point's declared type, when that is exact: INT64 into FLOAT64 up to 2^53, a
   * whole FLOAT64 into INT64; nothing else changes type.
   *
   * @param source the OPC-UA type name for the message, e.g. "Boolean"
   * @throws ConversionException naming both types
   */
  public static PointValue coerce(PointValue value, ValueType declared, String source)
      throws ConversionException {
    if (value.type() == declared) {
      return value;
    }
    if (declared == ValueType.FLOAT64 && value instanceof PointValue.Int64 i) {
      if (Math.abs(i.value()) <= (1L << 53)) {
        return PointValue.of((double) i.value());
      }
    } else if (declared == ValueType.INT64 && value instanceof PointValue.Float64 f) {
      double d = f.value();
      if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63) {
        return PointValue.of((long) d);
      }
      throw new ConversionException(
          "the point is int64 but the server sent " + source + " " + d + " (not a whole number)");
    }
    throw new ConversionException(
        "the point is "
            + declared.name().toLowerCase()
            + " but the server sends "
            + source
            + "; set the point's type to "
            + value.type().name().toLowerCase());
  }

  /** The OPC-UA type name of a Variant's value, for messages ("Boolean", "Double[]"). */
  public static String typeName(Variant variant) {
    Object v = variant == null ? null : variant.value();
    if (v == null) {
      return "nothing";
    }
    if (v.getClass().isArray() || v instanceof Matrix) {
      return "an array";
    }
    return variant.getDataType().map(Enum::name).orElse(v.getClass().getSimpleName());
  }

  // ---------------------------------------------------------------------------------------------
  // gateway -> OPC-UA

  /**
   * The Variant to write to a node of DataType {@code target}.
   *
   * @param target the node's built-in type; {@link OpcUaDataType#Variant} for BaseDataType nodes
   *     (any value), null for a DataType this gateway cannot write
   * @param typeName the DataType's name for messages (e.g. "UInt16", "MyEnum")
   * @throws ConversionException when the value does not convert exactly
   */
  public static Variant toVariant(PointValue value, OpcUaDataType target, String typeName)
      throws ConversionException {
    if (target == null) {
      throw new ConversionException("writing a " + typeName + " node is not supported");
    }
    return switch (target) {
      case Boolean -> Variant.ofBoolean(bool(value, typeName));
      case SByte ->
          Variant.ofSByte((byte) integer(value, typeName, Byte.MIN_VALUE, Byte.MAX_VALUE));
      case Byte -> Variant.ofByte(Unsigned.ubyte(integer(value, typeName, 0, 255)));
      case Int16 ->
          Variant.ofInt16((short) integer(value, typeName, Short.MIN_VALUE, Short.MAX_VALUE));
      case UInt16 -> Variant.ofUInt16(Unsigned.ushort((int) integer(value, typeName, 0, 65535)));
      case Int32 ->
          Variant.ofInt32((int) integer(value, typeName, Integer.MIN_VALUE, Integer.MAX_VALUE));
      case UInt32 -> Variant.ofUInt32(Unsigned.uint(integer(value, typeName, 0, 0xFFFF_FFFFL)));
      case Int64 -> Variant.ofInt64(integer(value, typeName, Long.MIN_VALUE, Long.MAX_VALUE));
      case UInt64 -> Variant.ofUInt64(Unsigned.ulong(integer(value, typeName, 0, Long.MAX_VALUE)));
      case Float -> Variant.ofFloat(toFloat(value, typeName));
      case Double -> Variant.ofDouble(toDouble(value, typeName));
      case String -> Variant.ofString(string(value, typeName));
      case LocalizedText -> Variant.ofLocalizedText(new LocalizedText(string(value, typeName)));
      case ByteString -> Variant.ofByteString(bytes(value, typeName));
      case DateTime -> Variant.ofDateTime(dateTime(value, typeName));
      case Guid -> Variant.ofGuid(guid(value, typeName));
      case Variant -> natural(value);
      default ->
          throw new ConversionException(
              "writing a " + typeName + " node from rules is not supported");
    };
  }

  /** For BaseDataType (Variant) nodes: the value's own OPC-UA type. */
  private static Variant natural(PointValue value) {
    if (value instanceof PointValue.Bool b) {
      return Variant.ofBoolean(b.value());
    }
    if (value instanceof PointValue.Int64 i) {
      return Variant.ofInt64(i.value());
    }
    if (value instanceof PointValue.Float64 f) {
      return Variant.ofDouble(f.value());
    }
    if (value instanceof PointValue.Text t) {
      return Variant.ofString(t.value());
    }
    return Variant.ofByteString(ByteString.of(((PointValue.Bytes) value).value()));
  }

  private static String describe(PointValue value) {
    String shown = value.toString();
    if (shown.length() > 40) {
      shown = shown.substring(0, 37) + "...";
    }
    return value.type().name().toLowerCase() + " " + shown;
  }

  private static ConversionException mismatch(PointValue value, String typeName, String needs) {
    return new ConversionException(
        "cannot write " + describe(value) + " to a " + typeName + " node: " + needs);
  }

  private static boolean bool(PointValue value, String typeName) throws ConversionException {
    if (value instanceof PointValue.Bool b) {
      return b.value();
    }
    throw mismatch(value, typeName, "it takes true or false");
  }

  private static long integer(PointValue value, String typeName, long min, long max)
      throws ConversionException {
    long v;
    if (value instanceof PointValue.Int64 i) {
      v = i.value();
    } else if (value instanceof PointValue.Float64 f) {
      double d = f.value();
      if (!Double.isFinite(d) || d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
        throw mismatch(value, typeName, "it takes whole numbers");
      }
      v = (long) d;
    } else {
      throw mismatch(value, typeName, "it takes whole numbers");
    }
    if (v < min || v > max) {
      throw new ConversionException(
          "cannot write " + v + " to a " + typeName + " node: out of range " + min + ".." + max);
    }
    return v;
  }

  private static float toFloat(PointValue value, String typeName) throws ConversionException {
    if (value instanceof PointValue.Float64 f) {
      double d = f.value();
      if (Double.isFinite(d) && Math.abs(d) > java.lang.Float.MAX_VALUE) {
        throw new ConversionException(
            "cannot write " + d + " to a " + typeName + " node: out of the Float range");
      }
      return (float) d;
    }
    if (value instanceof PointValue.Int64 i) {
      float f = i.value();
      if ((long) f != i.value() || Math.abs(i.value()) > (1L << 24)) {
        throw new ConversionException(
            "cannot write " + i.value() + " to a " + typeName + " node: not exact as a Float");
      }
      return f;
    }
    throw mismatch(value, typeName, "it takes numbers");
  }

  private static double toDouble(PointValue value, String typeName) throws ConversionException {
    if (value instanceof PointValue.Float64 f) {
      return f.value();
    }
    if (value instanceof PointValue.Int64 i) {
      if (Math.abs(i.value()) > (1L << 53)) {
        throw new ConversionException(
            "cannot write " + i.value() + " to a " + typeName + " node: not exact as a Double");
      }
      return i.value();
    }
    throw mismatch(value, typeName, "it takes numbers");
  }

  private static String string(PointValue value, String typeName) throws ConversionException {
    if (value instanceof PointValue.Text t) {
      return t.value();
    }
    throw mismatch(value, typeName, "it takes text");
  }

  private static ByteString bytes(PointValue value, String typeName) throws ConversionException {
    if (value instanceof PointValue.Bytes b) {
      return ByteString.of(b.value());
    }
    throw mismatch(value, typeName, "it takes bytes");
  }

  private static DateTime dateTime(PointValue value, String typeName) throws ConversionException {
    if (value instanceof PointValue.Text t) {
      Instant instant;
      try {
        instant = Instant.parse(t.value());
      } catch (DateTimeParseException e) {
        throw mismatch(value, typeName, "it takes an ISO-8601 time such as 2026-01-31T12:00:00Z");
      }
      // outside, Milo's DateTime overflows: an ArithmeticException or, worse, a wrapped date
      if (instant.isBefore(MIN_TIME) || instant.isAfter(MAX_TIME)) {
        throw mismatch(value, typeName, "it takes a time from 1601-01-01 to 9999-12-31");
      }
      return new DateTime(instant);
    }
    throw mismatch(value, typeName, "it takes an ISO-8601 time such as 2026-01-31T12:00:00Z");
  }

  private static UUID guid(PointValue value, String typeName) throws ConversionException {
    if (value instanceof PointValue.Text t) {
      try {
        // UUID.fromString also takes "1-1-1-1-1" and writes another text than was meant
        if (!GUID.matcher(t.value()).matches()) {
          throw new IllegalArgumentException("not 8-4-4-4-12 hex digits");
        }
        return UUID.fromString(t.value());
      } catch (IllegalArgumentException e) {
        throw mismatch(
            value, typeName, "it takes a GUID such as 72962b91-fa75-4ae6-8d28-b404dc7daf63");
      }
    }
    throw mismatch(value, typeName, "it takes a GUID");
  }
}
