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
import org.junit.jupiter.api.Test;

/** When batches go out; time is given explicitly (no clock, no waiting). */
class TelemetryBatchesTest {
  private static final long MS = 1_000_000L;
  private final List<OutboundMessage> sent = new ArrayList<>();
  private final JsonNamespace ns = new JsonNamespace(new JsonTopics("e", "gw"));
  private long seq;

  private final TelemetryBatches t = new TelemetryBatches(ns, sent::add);

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
  void aCycleEndSendsTheDevicesEventsUpToItsLastOne() {
    TelemetrySettings s = batch(60_000);
    t.offer(event("tank/a"), s, 0); // 1
    t.offer(event("tank/b"), s, 0); // 2
    t.offer(event("tank/a"), s, 0); // 3: two events of one point stay two entries
    t.offer(event("boiler/t"), s, 0); // 4: another device's batch
    assertEquals(List.of(), sentSeqs(), "nothing before the cycle ends");
    t.cycleEnd("tank", 3);
    assertEquals(List.of("telemetry-batch/tank:1,2,3"), sentSeqs());
    t.offer(event("tank/b"), s, 0); // 5
    t.cycleEnd("tank", 4); // an end that covers none of the waiting events: nothing to send
    t.cycleEnd("pump", 5); // a device with no batch
    assertEquals(List.of("telemetry-batch/tank:1,2,3"), sentSeqs());
    t.flushAll();
    assertEquals(
        List.of("telemetry-batch/tank:1,2,3", "telemetry-batch/tank:5", "telemetry-batch/boiler:4"),
        sentSeqs());
  }

  @Test
  void theWindowEndsABatchWithoutACycleEnd() {
    TelemetrySettings s = batch(100);
    t.offer(event("zb/temp"), s, 10 * MS);
    t.offer(event("zb/hum"), s, 50 * MS);
    assertEquals(100 * MS, t.nanosUntilDue(10 * MS, Long.MAX_VALUE));
    assertEquals(60 * MS, t.nanosUntilDue(50 * MS, Long.MAX_VALUE));
    t.flushDue(109 * MS);
    assertEquals(List.of(), sentSeqs());
    t.flushDue(110 * MS);
    assertEquals(List.of("telemetry-batch/zb:1,2"), sentSeqs());
    assertEquals(200 * MS, t.nanosUntilDue(110 * MS, 200 * MS), "nothing pending: the idle wait");
  }

  @Test
  void anEventAfterTheWindowRanOutSendsTheBatchBeforeJoiningANewOne() {
    TelemetrySettings s = batch(100);
    t.offer(event("zb/temp"), s, 0); // 1
    t.offer(event("zb/temp"), s, 99 * MS); // 2
    t.offer(event("zb/temp"), s, 100 * MS); // 3: the window of 1 and 2 ran out
    assertEquals(List.of("telemetry-batch/zb:1,2"), sentSeqs());
    assertEquals(100 * MS, t.nanosUntilDue(100 * MS, Long.MAX_VALUE), "3 opened a new window");
  }

  @Test
  void aFullBatchGoesOutAtOnce() {
    TelemetrySettings s = batch(60_000);
    for (int i = 0; i < TelemetryBatches.MAX_EVENTS + 1; i++) {
      t.offer(event("tank/a"), s, 0);
    }
    assertEquals(1, sent.size());
    assertEquals(
        TelemetryBatches.MAX_EVENTS,
        new String(sent.get(0).payload(), StandardCharsets.UTF_8).split("\"seq\":").length - 1);
  }
}
