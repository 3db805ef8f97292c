package io.edgerule.adapter.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ulong;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ushort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ValueType;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.Matrix;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.junit.jupiter.api.Test;

class VariantsTest {

  static PointValue read(Object value) throws Variants.ConversionException {
    return Variants.toPointValue(new Variant(value));
  }

  @Test
  void integersOfEveryWidthReadAsInt64() throws Exception {
    assertEquals(PointValue.of(-5L), read((byte) -5));
    assertEquals(PointValue.of(255L), read(ubyte(255)));
    assertEquals(PointValue.of(-300L), read((short) -300));
    assertEquals(PointValue.of(65535L), read(ushort(65535)));
    assertEquals(PointValue.of(-70000L), read(-70000));
    assertEquals(PointValue.of(4294967295L), read(uint(4294967295L)));
    assertEquals(PointValue.of(Long.MIN_VALUE), read(Long.MIN_VALUE));
    assertEquals(PointValue.of(Long.MAX_VALUE), read(ulong(Long.MAX_VALUE)));
  }

  @Test
  void aUInt64AboveTheInt64RangeIsRefusedNotWrapped() {
    var e =
        assertThrows(
            Variants.ConversionException.class,
            () -> read(ulong(new java.math.BigInteger("18446744073709551615"))));
    assertEquals("UInt64 value 18446744073709551615 does not fit in int64", e.getMessage());
  }

  @Test
  void floatsKeepTheDecimalPeopleSee() throws Exception {
    assertEquals(PointValue.of(21.7), read(21.7f));
    assertEquals(PointValue.of(0.1), read(0.1f));
    assertEquals(PointValue.of(Double.NaN), read(Float.NaN));
    assertEquals(PointValue.of(1e300), read(1e300));
  }

  @Test
  void textLikeValuesReadAsStrings() throws Exception {
    assertEquals(PointValue.of("hello"), read("hello"));
    assertEquals(PointValue.of("Tank 1"), read(LocalizedText.english("Tank 1")));
    assertEquals(PointValue.of("ns=2;s=Tank"), read(new NodeId(2, "Tank")));
    assertEquals(
        PointValue.of("2026-01-02T03:04:05Z"),
        read(new DateTime(Instant.parse("2026-01-02T03:04:05Z"))));
    UUID id = UUID.fromString("72962b91-fa75-4ae6-8d28-b404dc7daf63");
    assertEquals(PointValue.of(id.toString()), read(id));
  }

  @Test
  void bytesAndStructuresReadAsBytes() throws Exception {
    assertArrayEquals(
        new byte[] {1, 2, 3},
        ((PointValue.Bytes) read(ByteString.of(new byte[] {1, 2, 3}))).value());
    ExtensionObject xo = ExtensionObject.of(ByteString.of(new byte[] {9, 8}), new NodeId(0, 886));
    assertArrayEquals(new byte[] {9, 8}, ((PointValue.Bytes) read(xo)).value());
  }

  @Test
  void arraysAndMatricesReadAsJson() throws Exception {
    assertEquals(PointValue.of("[1.5,2,-3.25]"), read(new Double[] {1.5, 2.0, -3.25}));
    assertEquals(PointValue.of("[true,false]"), read(new Boolean[] {true, false}));
    assertEquals(PointValue.of("[\"a\\\"b\",\"c\\\\d\"]"), read(new String[] {"a\"b", "c\\d"}));
    assertEquals(PointValue.of("[1,255]"), read(new UByte[] {ubyte(1), ubyte(255)}));
    Matrix m = new Matrix(new Integer[] {1, 2, 3, 4, 5, 6}, new int[] {2, 3});
    assertEquals(PointValue.of("[[1,2,3],[4,5,6]]"), read(m));
  }

  @Test
  void anEmptyValueIsAConversionError() {
    var e = assertThrows(Variants.ConversionException.class, () -> read(null));
    assertEquals("the server sent an empty value", e.getMessage());
  }

  @Test
  void coercionToTheDeclaredTypeIsExactOrRefused() throws Exception {
    assertEquals(
        PointValue.of(42.0), Variants.coerce(PointValue.of(42L), ValueType.FLOAT64, "Int32"));
    assertEquals(
        PointValue.of(42L), Variants.coerce(PointValue.of(42.0), ValueType.INT64, "Double"));
    var fraction =
        assertThrows(
            Variants.ConversionException.class,
            () -> Variants.coerce(PointValue.of(42.5), ValueType.INT64, "Double"));
    assertEquals(
        "the point is int64 but the server sent Double 42.5 (not a whole number)",
        fraction.getMessage());
    var kind =
        assertThrows(
            Variants.ConversionException.class,
            () -> Variants.coerce(PointValue.of(true), ValueType.FLOAT64, "Boolean"));
    assertEquals(
        "the point is float64 but the server sends Boolean; set the point's type to bool",
        kind.getMessage());
    assertThrows(
        Variants.ConversionException.class,
        () -> Variants.coerce(PointValue.of((1L << 53) + 1), ValueType.FLOAT64, "Int64"));
  }

  static Variant write(PointValue v, OpcUaDataType type) throws Variants.ConversionException {
    return Variants.toVariant(v, type, type.name());
  }

  static String refused(PointValue v, OpcUaDataType type) {
    return assertThrows(Variants.ConversionException.class, () -> write(v, type)).getMessage();
  }

  @Test
  void writesConvertExactlyToTheNodesType() throws Exception {
    assertEquals(Variant.ofBoolean(true), write(PointValue.of(true), OpcUaDataType.Boolean));
    assertEquals(Variant.ofSByte((byte) -128), write(PointValue.of(-128L), OpcUaDataType.SByte));
    assertEquals(Variant.ofByte(ubyte(200)), write(PointValue.of(200L), OpcUaDataType.Byte));
    assertEquals(
        Variant.ofInt16((short) -32768), write(PointValue.of(-32768L), OpcUaDataType.Int16));
    assertEquals(
        Variant.ofUInt16(ushort(1450)), write(PointValue.of(1450.0), OpcUaDataType.UInt16));
    assertEquals(Variant.ofInt32(7), write(PointValue.of(7L), OpcUaDataType.Int32));
    assertEquals(
        Variant.ofUInt32(uint(4294967295L)),
        write(PointValue.of(4294967295L), OpcUaDataType.UInt32));
    assertEquals(Variant.ofInt64(-1L), write(PointValue.of(-1L), OpcUaDataType.Int64));
    assertEquals(Variant.ofUInt64(ulong(5L)), write(PointValue.of(5L), OpcUaDataType.UInt64));
    assertEquals(Variant.ofFloat(21.5f), write(PointValue.of(21.5), OpcUaDataType.Float));
    assertEquals(Variant.ofFloat(1000f), write(PointValue.of(1000L), OpcUaDataType.Float));
    assertEquals(Variant.ofDouble(3.0), write(PointValue.of(3L), OpcUaDataType.Double));
    assertEquals(Variant.ofString("B-7"), write(PointValue.of("B-7"), OpcUaDataType.String));
    assertEquals(
        Variant.ofLocalizedText(new LocalizedText("x")),
        write(PointValue.of("x"), OpcUaDataType.LocalizedText));
    assertEquals(
        Variant.ofByteString(ByteString.of(new byte[] {1})),
        write(PointValue.of(new byte[] {1}), OpcUaDataType.ByteString));
    assertEquals(
        Variant.ofDateTime(new DateTime(Instant.parse("2026-01-31T12:00:00Z"))),
        write(PointValue.of("2026-01-31T12:00:00Z"), OpcUaDataType.DateTime));
    assertEquals(Variant.ofInt64(9L), write(PointValue.of(9L), OpcUaDataType.Variant));
    assertEquals(Variant.ofDouble(9.5), write(PointValue.of(9.5), OpcUaDataType.Variant));
  }

  @Test
  void writesThatWouldNeedAGuessAreRefusedWithTheReason() {
    assertEquals(
        "cannot write 256 to a Byte node: out of range 0..255",
        refused(PointValue.of(256L), OpcUaDataType.Byte));
    assertEquals(
        "cannot write -1 to a UInt16 node: out of range 0..65535",
        refused(PointValue.of(-1L), OpcUaDataType.UInt16));
    assertEquals(
        "cannot write float64 3.5 to a Int32 node: it takes whole numbers",
        refused(PointValue.of(3.5), OpcUaDataType.Int32));
    assertEquals(
        "cannot write int64 1 to a Boolean node: it takes true or false",
        refused(PointValue.of(1L), OpcUaDataType.Boolean));
    assertEquals(
        "cannot write bool true to a Double node: it takes numbers",
        refused(PointValue.of(true), OpcUaDataType.Double));
    assertEquals(
        "cannot write int64 42 to a String node: it takes text",
        refused(PointValue.of(42L), OpcUaDataType.String));
    assertEquals(
        "cannot write 16777217 to a Float node: not exact as a Float",
        refused(PointValue.of(16_777_217L), OpcUaDataType.Float));
    assertEquals(
        "cannot write 1.0E39 to a Float node: out of the Float range",
        refused(PointValue.of(1e39), OpcUaDataType.Float));
    assertEquals(
        "writing a NodeId node from rules is not supported",
        refused(PointValue.of("i=85"), OpcUaDataType.NodeId));
    assertEquals(
        "cannot write string soon to a DateTime node: it takes an ISO-8601 time such as"
            + " 2026-01-31T12:00:00Z",
        refused(PointValue.of("soon"), OpcUaDataType.DateTime));
  }

  @Test
  void unsignedTypesHaveMiloClasses() throws Exception {
    assertEquals(UShort.class, write(PointValue.of(1L), OpcUaDataType.UInt16).value().getClass());
  }
}
