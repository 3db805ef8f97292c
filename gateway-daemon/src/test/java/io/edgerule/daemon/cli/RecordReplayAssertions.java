package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/** Field-by-field comparison of a recorded event with its replay, and events shown readably. */
final class RecordReplayAssertions {
  /** All NaNs replay as this one: JSON has no NaN, the file says "NaN" without payload bits. */
  static final long CANONICAL_NAN = 0x7ff8_0000_0000_0000L;

  private RecordReplayAssertions() {}

  static void assertSameEvent(PointEvent expected, PointEvent actual, String context) {
    String where = context + ": " + shown(expected) + "\n  replayed as " + shown(actual);
    assertEquals(expected.point(), actual.point(), "point of " + where);
    assertEquals(expected.quality().status(), actual.quality().status(), "quality of " + where);
    sameText(expected.quality().reason(), actual.quality().reason(), "reason of " + where);
    assertEquals(expected.sourceTime(), actual.sourceTime(), "source time (ns) of " + where);
    assertEquals(expected.receiveTime(), actual.receiveTime(), "receive time (ns) of " + where);
    assertEquals(expected.sequence(), actual.sequence(), "sequence of " + where);
    PointValue v = expected.value();
    PointValue r = actual.value();
    if (v == null || r == null) {
      assertEquals(v, r, "value of " + where);
      return;
    }
    assertEquals(v.type(), r.type(), "value type of " + where);
    if (v instanceof PointValue.Float64 d) {
      long bits = Double.doubleToRawLongBits(d.value());
      long expectedBits = Double.isNaN(d.value()) ? CANONICAL_NAN : bits;
      assertEquals(
          Long.toHexString(expectedBits),
          Long.toHexString(Double.doubleToRawLongBits(((PointValue.Float64) r).value())),
          "float64 bits of " + where);
    } else if (v instanceof PointValue.Text text) {
      sameText(text.value(), ((PointValue.Text) r).value(), "string value of " + where);
    } else {
      // Int64 compares as long, Bytes by content (PointValue.Bytes#equals).
      assertTrue(v.equals(r), "value of " + where);
    }
  }

  /**
   * Equal strings; otherwise where they first differ (not both strings whole: they can be long).
   */
  private static void sameText(String expected, String actual, String where) {
    if (!expected.equals(actual)) {
      int i = 0;
      while (i < Math.min(expected.length(), actual.length())
          && expected.charAt(i) == actual.charAt(i)) {
        i++;
      }
      fail(
          where
              + "\n  lengths "
              + expected.length()
              + " and "
              + actual.length()
              + ", first difference at char "
              + i);
    }
  }

  /** An event with long strings shortened and every unusual character escaped. */
  static String shown(PointEvent e) {
    return "{point="
        + cut(e.point().toString())
        + ", value="
        + shown(e.value())
        + ", quality="
        + e.quality().status()
        + (e.quality().reason().isEmpty() ? "" : "(" + escaped(e.quality().reason()) + ")")
        + ", source_time="
        + e.sourceTime()
        + ", time="
        + e.receiveTime()
        + ", seq="
        + e.sequence()
        + "}";
  }

  private static String shown(PointValue v) {
    if (v == null) {
      return "none";
    }
    String content = v.toString();
    if (v instanceof PointValue.Float64 d) {
      content = d.value() + " (0x" + Long.toHexString(Double.doubleToRawLongBits(d.value())) + ")";
    } else if (v instanceof PointValue.Text t) {
      content = "\"" + escaped(t.value()) + "\"";
    } else if (v instanceof PointValue.Bytes b) {
      content = cut(HexFormat.of().formatHex(b.value()));
    }
    return v.type() + " " + content;
  }

  private static String escaped(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      b.append(
          c >= 0x20 && c < 0x7f && c != '\\'
              ? String.valueOf(c)
              : String.format(Locale.ROOT, "\\u%04x", (int) c));
    }
    return b.length() < 200 ? b.toString() : b + "... (" + s.length() + " chars)";
  }

  private static String cut(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)";
  }

  /** A GOOD event of {@code tank/level} at a fixed time. */
  static PointEvent event(PointValue value, long seq) {
    Instant t = Instant.parse("2026-11-21T10:00:00Z").plusSeconds(seq);
    return new PointEvent(PointId.parse("tank/level"), value, Quality.GOOD, t, t, seq);
  }
}
