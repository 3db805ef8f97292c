package io.edgerule.daemon.namespace.json;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ValueType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * The per-point telemetry body written straight into bytes for the events that are nearly all of
 * the traffic: GOOD quality and a number or boolean value. In per-point mode every sample becomes
 * one message, made on the adapter's thread, and Jackson's generator (a generator, its context and
 * buffers, per message) was a third of that thread's samples (JFR, 40,000 samples/s). Anything else
 * (text and bytes values, which need escaping; non-finite floats; a quality with a reason; years
 * outside 0000-9999) gets null here and goes through Jackson ({@link JsonPayloads#telemetry}). The
 * bytes are the same as Jackson's (TelemetryBytesTest compares the two).
 */
final class TelemetryBytes {
  private static final byte[] VALUE_FIELD = ascii("\"value\":");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[][] TYPE_AND_QUALITY = typeAndQuality();
  private static final byte[] RECEIVE_TIME = ascii("\",\"receive_time\":\"");
  private static final byte[] SEQ = ascii("\",\"seq\":");

  /** The longest fields: a value of up to 25 characters, two times, a 20-character seq. */
  static final int MAX_FIELD_BYTES =
      VALUE_FIELD.length
          + 25
          + Arrays.stream(TYPE_AND_QUALITY).mapToInt(b -> b.length).max().orElse(0)
          + IsoInstant.MAX_CHARS
          + RECEIVE_TIME.length
          + IsoInstant.MAX_CHARS
          + SEQ.length
          + 20;

  private static final int MAX_BYTES = MAX_FIELD_BYTES + 2;

  private TelemetryBytes() {}

  /** The body of {@code e}, or null when Jackson must write it. */
  static byte[] encode(PointEvent e) {
    byte[] out = new byte[MAX_BYTES];
    out[0] = '{';
    int n = fields(out, 1, e, new TimeCache());
    if (n < 0) {
      return null;
    }
    out[n++] = '}';
    return Arrays.copyOf(out, n);
  }

  /**
   * Writes the body's fields without its braces ({@code "value":...,"seq":17}) into {@code out}
   * from {@code at}, which must have {@link #MAX_FIELD_BYTES} free; returns the end, or -1 when
   * Jackson must write this event ({@code out} then holds garbage from {@code at}).
   */
  static int fields(byte[] out, int at, PointEvent e, TimeCache times) {
    PointValue v = e.value();
    if (!e.quality().isGood() || v == null) {
      return -1;
    }
    int n = put(out, at, VALUE_FIELD);
    if (v instanceof PointValue.Int64 i) {
      n = digits(out, n, i.value());
    } else if (v instanceof PointValue.Float64 f) {
      if (!Double.isFinite(f.value())) {
        return -1;
      }
      n = chars(out, n, Double.toString(f.value())); // what Jackson's writeNumber(double) writes
    } else if (v instanceof PointValue.Bool b) {
      n = put(out, n, b.value() ? TRUE : FALSE);
    } else {
      return -1;
    }
    n = put(out, n, TYPE_AND_QUALITY[v.type().ordinal()]);
    n = times.source.write(out, n, e.sourceTime());
    if (n < 0) {
      return -1;
    }
    n = put(out, n, RECEIVE_TIME);
    n = times.receive.write(out, n, e.receiveTime());
    if (n < 0) {
      return -1;
    }
    n = put(out, n, SEQ);
    return digits(out, n, e.sequence());
  }

  /**
   * The last source time and the last receive time written, with their characters: the events of
   * one read cycle share both, so a batch formats each once (formatting was ~20 % of the adapter
   * thread in batch mode, JFR).
   */
  static final class TimeCache {
    private final Slot source = new Slot();
    private final Slot receive = new Slot();
  }

  /** One time and its characters. */
  private static final class Slot {
    private final char[] chars = new char[IsoInstant.MAX_CHARS];
    private final byte[] bytes = new byte[IsoInstant.MAX_CHARS];
    private Instant last;
    private int length;

    /** Writes {@code t}; -1 when it is outside years 0000-9999. */
    int write(byte[] out, int at, Instant t) {
      if (!t.equals(last)) {
        int len = IsoInstant.write(t, chars);
        if (len < 0) {
          return -1;
        }
        for (int i = 0; i < len; i++) {
          bytes[i] = (byte) chars[i];
        }
        last = t;
        length = len;
      }
      System.arraycopy(bytes, 0, out, at, length);
      return at + length;
    }
  }

  private static int digits(byte[] out, int at, long v) {
    if (v == Long.MIN_VALUE) {
      return chars(out, at, Long.toString(v));
    }
    if (v < 0) {
      out[at++] = '-';
      v = -v;
    }
    int len = 1;
    for (long x = v; x >= 10; x /= 10) {
      len++;
    }
    for (int i = at + len - 1; i >= at; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return at + len;
  }

  /** ASCII only: numbers as Java formats them. */
  private static int chars(byte[] out, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      out[at + i] = (byte) s.charAt(i);
    }
    return at + s.length();
  }

  private static int put(byte[] out, int at, byte[] part) {
    System.arraycopy(part, 0, out, at, part.length);
    return at + part.length;
  }

  private static byte[][] typeAndQuality() {
    ValueType[] types = ValueType.values();
    byte[][] parts = new byte[types.length][];
    for (ValueType t : types) {
      parts[t.ordinal()] =
          ascii(
              ",\"type\":\""
                  + t.name().toLowerCase(Locale.ROOT)
                  + "\",\"quality\":\"GOOD\",\"source_time\":\"");
    }
    return parts;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
