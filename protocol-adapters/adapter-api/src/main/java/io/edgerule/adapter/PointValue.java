package io.edgerule.adapter;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** A typed point value. Immutable; equality is by type and content. */
public sealed interface PointValue
    permits PointValue.Bool,
        PointValue.Int64,
        PointValue.Float64,
        PointValue.Text,
        PointValue.Bytes {

  ValueType type();

  /**
   * The value as a double for numeric comparisons (deadbands, thresholds): bool is 0 or 1; text and
   * bytes have none.
   *
   * @throws IllegalStateException for text and bytes
   */
  double asDouble();

  static Bool of(boolean value) {
    return value ? Bool.TRUE : Bool.FALSE;
  }

  static Int64 of(long value) {
    return new Int64(value);
  }

  static Float64 of(double value) {
    return new Float64(value);
  }

  static Text of(String value) {
    return new Text(value);
  }

  static Bytes of(byte[] value) {
    return new Bytes(value);
  }

  record Bool(boolean value) implements PointValue {
    static final Bool TRUE = new Bool(true);
    static final Bool FALSE = new Bool(false);

    @Override
    public ValueType type() {
      return ValueType.BOOL;
    }

    @Override
    public double asDouble() {
      return value ? 1 : 0;
    }

    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  record Int64(long value) implements PointValue {
    @Override
    public ValueType type() {
      return ValueType.INT64;
    }

    @Override
    public double asDouble() {
      return value;
    }

    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  record Float64(double value) implements PointValue {
    @Override
    public ValueType type() {
      return ValueType.FLOAT64;
    }

    @Override
    public double asDouble() {
      return value;
    }

    @Override
    public String toString() {
      return Double.toString(value);
    }
  }

  record Text(String value) implements PointValue {
    public Text {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public ValueType type() {
      return ValueType.STRING;
    }

    @Override
    public double asDouble() {
      throw new IllegalStateException("a string value has no numeric form");
    }

    @Override
    public String toString() {
      return value;
    }
  }

  /** Raw bytes; the array is copied in and out so the value stays immutable. */
  record Bytes(byte[] value) implements PointValue {
    public Bytes {
      Objects.requireNonNull(value, "value"); // named like Text's, not "Cannot invoke clone()"
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    public int length() {
      return value.length;
    }

    @Override
    public ValueType type() {
      return ValueType.BYTES;
    }

    @Override
    public double asDouble() {
      throw new IllegalStateException("a bytes value has no numeric form");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return HexFormat.of().formatHex(value);
    }
  }
}
