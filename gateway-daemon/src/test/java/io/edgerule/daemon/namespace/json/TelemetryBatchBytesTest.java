package io.edgerule.daemon.namespace.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

/** The batch bytes written without Jackson's generator are Jackson's, whatever the batch holds. */
class TelemetryBatchBytesTest {
  private static final Instant T = Instant.parse("2026-11-21T10:00:01.250Z");

  private static void same(String device, List<PointEvent> events) {
    byte[] jackson = JsonPayloads.telemetryBatchWithJackson(device, events);
    byte[] direct = TelemetryBatchBytes.encode(device, events);
    assertArrayEquals(
        jackson,
        direct,
        () ->
            new String(jackson, StandardCharsets.UTF_8)
                + "\n != \n"
                + new String(direct, StandardCharsets.UTF_8));
  }

  @Test
  void aReadCycleOfNumbersSharingItsTimes() {
    List<PointEvent> events = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      events.add(
          new PointEvent(
              new PointId("u1", "r" + i),
              PointValue.of((long) i * 37),
              Quality.GOOD,
              T,
              T.plusNanos(1_500),
              1000 + i));
    }
    same("u1", events);
    same("u1", List.of());
    same("u1", events.subList(0, 1));
  }

  @Test
  void valuesAndDeviceNamesThatNeedJacksonAreWrittenAsJacksonWritesThem() {
    SplittableRandom r = new SplittableRandom(5);
    // Point names are plain by PointId's rule; a device name given as text may need escaping.
    String[] points = {"r1", "a/b", "x:y.z-1_"};
    String[] devices = {"u1", "tank \"A\"", "back\\slash", "température", "tab\there", "日本"};
    Quality[] qualities = {Quality.GOOD, Quality.bad("timeout"), Quality.GOOD};
    Instant[] times = {
      T,
      T.plusMillis(3),
      Instant.parse("2026-11-21T10:00:01Z"),
      Instant.parse("+10000-01-01T00:00:00Z")
    };
    for (int batch = 0; batch < 200; batch++) {
      List<PointEvent> events = new ArrayList<>();
      int n = r.nextInt(30);
      for (int i = 0; i < n; i++) {
        PointValue v =
            switch (r.nextInt(7)) {
              case 0 -> PointValue.of(r.nextLong());
              case 1 -> PointValue.of(r.nextDouble() * 1e6);
              case 2 -> PointValue.of(Double.NaN);
              case 3 -> PointValue.of(r.nextBoolean());
              case 4 -> PointValue.of("text \"" + i + "\" ü");
              case 5 -> PointValue.of(new byte[] {1, 2, (byte) i});
              default -> null;
            };
        Quality q = v == null ? Quality.bad("no value") : qualities[r.nextInt(qualities.length)];
        events.add(
            new PointEvent(
                new PointId("dev", points[r.nextInt(points.length)]),
                v,
                q,
                times[r.nextInt(times.length)],
                times[r.nextInt(times.length - 1)],
                r.nextLong(Long.MAX_VALUE)));
      }
      same(devices[r.nextInt(devices.length)], events);
    }
  }
}
