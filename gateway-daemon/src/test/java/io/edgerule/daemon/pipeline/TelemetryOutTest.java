package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When batches go out; time is given explicitly (no clock, no waiting). */
class TelemetryOutTest {
  private static final long MS = 1_000_000L;
  private final List<OutboundMessage> sent = new ArrayList<>();
  private final JsonNamespace ns = new JsonNamespace(new JsonTopics("e", "gw"));
  private long seq;

  private TelemetryOut out(TelemetrySettings gateway, Map<String, TelemetrySettings> devices) {
    return new TelemetryOut(ns, sent::add, gateway, devices);
  }

  private static TelemetrySettings batch(long windowMs) {
    return new TelemetrySettings(TelemetrySettings.Mode.BATCH, Duration.ofMillis(windowMs));
  }

  private PointEvent event(String point) {
    seq++;
    Instant t = Instant.ofEpochSecond(1_700_000_000L);
    return new PointEvent(PointId.parse(point), PointValue.of(seq), Quality.GOOD, t, t, seq);
  }

  /** The seq numbers in each message sent, e.g. ["tank:1,2", "boiler:3"]. */
  private List<String> sentSeqs() {
    List<String> out = new ArrayList<>();
    for (OutboundMessage m : sent) {
      String body = new String(m.payload(), StandardCharsets.UTF_8);
      String where = m.topic().substring(m.topic().lastIndexOf("gw/") + 3);
      StringBuilder seqs = new StringBuilder();
      int i = 0;
      while ((i = body.indexOf("\"seq\":", i)) >= 0) {
        i += 6;
        int end = i;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
          end++;
        }
        seqs.append(seqs.length() == 0 ? "" : ",").append(body, i, end);
      }
      out.add(where + ":" + seqs);
    }
    return out;
  }

  @Test
  void aCycleEndSendsTheCycleOnceItsEventsAreRouted() {
    TelemetryOut t = out(batch(60_000), Map.of());
    t.offer(event("tank/a"), 0); // 1
    t.offer(event("tank/b"), 0); // 2
    t.offer(event("tank/a"), 0); // 3: two events of one point stay two entries
    // The cycle ended at 4, which is not routed yet: nothing goes out.
    t.cycleEnds(List.of(new Ingress.CycleEnd("tank", 4)));
    assertEquals(List.of(), sentSeqs());
    t.offer(event("tank/b"), 0); // 4
    t.offer(event("tank/a"), 0); // 5: the next cycle
    t.cycleEnds(List.of());
    assertEquals(List.of("telemetry-batch/tank:1,2,3,4"), sentSeqs());
    t.flushAll();
    assertEquals(List.of("telemetry-batch/tank:1,2,3,4", "telemetry-batch/tank:5"), sentSeqs());
  }

  @Test
  void theWindowEndsABatchWithoutACycleEnd() {
    TelemetryOut t = out(batch(100), Map.of());
    t.offer(event("zb/temp"), 10 * MS);
    t.offer(event("zb/hum"), 50 * MS);
    assertEquals(100 * MS, t.nanosUntilDue(10 * MS, Long.MAX_VALUE));
    assertEquals(60 * MS, t.nanosUntilDue(50 * MS, Long.MAX_VALUE));
    t.flushDue(109 * MS);
    assertEquals(List.of(), sentSeqs());
    t.flushDue(110 * MS);
    assertEquals(List.of("telemetry-batch/zb:1,2"), sentSeqs());
    assertEquals(200 * MS, t.nanosUntilDue(110 * MS, 200 * MS), "nothing pending: the idle wait");
  }

  @Test
  void aFullBatchGoesOutAtOnce() {
    TelemetryOut t = out(batch(60_000), Map.of());
    for (int i = 0; i < TelemetryOut.MAX_EVENTS + 1; i++) {
      t.offer(event("tank/a"), 0);
    }
    assertEquals(1, sent.size());
    assertEquals(
        TelemetryOut.MAX_EVENTS,
        new String(sent.get(0).payload(), StandardCharsets.UTF_8).split("\"seq\":").length - 1);
  }

  @Test
  void devicesFollowTheirOwnSettings() {
    TelemetryOut t =
        out(
            batch(100),
            Map.of(
                "boiler",
                new TelemetrySettings(TelemetrySettings.Mode.PER_POINT, Duration.ofSeconds(1)),
                "noisy",
                new TelemetrySettings(TelemetrySettings.Mode.OFF, Duration.ofSeconds(1))));
    t.offer(event("tank/a"), 0); // 1
    t.offer(event("boiler/t"), 0); // 2: per point at once
    t.offer(event("noisy/x"), 0); // 3: not sent
    t.offer(event("tank/b"), 0); // 4
    t.flushAll();
    assertEquals(List.of("telemetry/boiler/t:2", "telemetry-batch/tank:1,4"), sentSeqs());
  }
}
