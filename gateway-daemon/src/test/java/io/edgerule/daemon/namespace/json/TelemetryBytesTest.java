package io.edgerule.daemon.namespace.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The telemetry bytes written without Jackson are Jackson's, for every value they take. */
class TelemetryBytesTest {
  private static final PointId POINT = PointId.parse("u1/r7");
  private static final Instant T = Instant.parse("2026-11-21T10:00:01.250Z");

  private static PointEvent event(PointValue v, Instant source, Instant receive, long seq) {
    return new PointEvent(POINT, v, Quality.GOOD, source, receive, seq);
  }

  private static void same(PointEvent e) {
    byte[] direct = TelemetryBytes.encode(e);
    assertNotNull(direct, e.toString());
    byte[] jackson = JsonPayloads.telemetryWithJackson(e);
    assertArrayEquals(
        jackson,
        direct,
        () ->
            new String(jackson, StandardCharsets.UTF_8)
                + " != "
                + new String(direct, StandardCharsets.UTF_8));
  }

  @Test
  void numbersAndBooleansAreWrittenAsJacksonWritesThem() {
    List<PointValue> values = new ArrayList<>();
    for (long v :
        new long[] {0, 1, -1, 9, 10, -10, 99, 65535, 1L << 53, Long.MAX_VALUE, Long.MIN_VALUE}) {
      values.add(PointValue.of(v));
    }
    for (double v :
        new double[] {
          0.0,
          -0.0,
          1.0,
          -1.5,
          81.25,
          0.1,
          1e-7,
          1e7,
          1e21,
          123456789.123,
          Double.MIN_VALUE,
          Double.MAX_VALUE,
          -Double.MAX_VALUE
        }) {
      values.add(PointValue.of(v));
    }
    values.add(PointValue.of(true));
    values.add(PointValue.of(false));
    SplittableRandom r = new SplittableRandom(17);
    for (int i = 0; i < 2000; i++) {
      values.add(PointValue.of(r.nextLong() >> r.nextInt(64)));
      double d = Double.longBitsToDouble(r.nextLong());
      values.add(PointValue.of(Double.isFinite(d) ? d : r.nextDouble() * 1e6));
    }
    long seq = 0;
    for (PointValue v : values) {
      same(event(v, T, T.plusMillis(2), seq));
      seq = seq * 7 + 3;
    }
    same(event(PointValue.of(1L), T, T, Long.MAX_VALUE));
  }

  @Test
  void timesAreWrittenAsJacksonWritesThemAtEveryPrecision() {
    Instant[] times = {
      Instant.parse("2026-11-21T10:00:01Z"),
      Instant.parse("2026-11-21T10:00:01.250Z"),
      Instant.parse("2026-11-21T10:00:01.250001Z"),
      Instant.parse("2026-11-21T10:00:01.250000001Z"),
      Instant.parse("1970-01-01T00:00:00Z"),
      Instant.parse("0000-01-01T00:00:00Z"),
      Instant.parse("9999-12-31T23:59:59.999999999Z"),
    };
    for (Instant a : times) {
      for (Instant b : times) {
        same(event(PointValue.of(42L), a, b, 1));
      }
    }
  }

  @Test
  void whatNeedsEscapingOrAReasonIsLeftToJackson() {
    assertNull(TelemetryBytes.encode(event(PointValue.of("a\"b"), T, T, 1)));
    assertNull(TelemetryBytes.encode(event(PointValue.of(new byte[] {1}), T, T, 1)));
    assertNull(TelemetryBytes.encode(event(PointValue.of(Double.NaN), T, T, 1)));
    assertNull(TelemetryBytes.encode(event(PointValue.of(Double.POSITIVE_INFINITY), T, T, 1)));
    assertNull(
        TelemetryBytes.encode(
            new PointEvent(POINT, PointValue.of(1L), Quality.bad("timeout"), T, T, 1)));
    assertNull(
        TelemetryBytes.encode(
            event(PointValue.of(1L), Instant.parse("+10000-01-01T00:00:00Z"), T, 1)));
    // and JsonPayloads.telemetry still writes them
    assertEquals(
        "{\"value\":\"NaN\",\"type\":\"float64\",\"quality\":\"GOOD\","
            + "\"source_time\":\"2026-11-21T10:00:01.250Z\","
            + "\"receive_time\":\"2026-11-21T10:00:01.250Z\",\"seq\":1}",
        new String(
            JsonPayloads.telemetry(event(PointValue.of(Double.NaN), T, T, 1)),
            StandardCharsets.UTF_8));
  }
}
