package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgerule.adapter.PointEvent;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.Quality;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.config.TelemetrySettings;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.namespace.json.JsonTopics;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.daemon.testing.RecordingUplink;
import io.edgerule.daemon.testing.UplinkRig;
import io.edgerule.mqtt.outbox.OutboundMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telemetry is handed to the uplink (the outbox) in the adapter's own calls, not later by the
 * dispatch thread: with the dispatch thread held still on the first event, every sample the adapter
 * hands in is in the uplink, in order, when its call returns (per point), or when its {@code
 * cycleEnd} returns (batches).
 */
class TelemetryAtIngressTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final RecordingUplink uplink = new RecordingUplink();
  private final PushAdapter.Factory devices = new PushAdapter.Factory();

  /** Holds the dispatch thread on the first event it takes, before the rules, until released. */
  private final GatewayListener holdingListener =
      new GatewayListener() {
        @Override
        public void onEvent(PointEvent event) {
          held.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };

  private Gateway start(TelemetrySettings telemetry) throws Exception {
    return Gateway.start(
        UplinkRig.config(
            "ingress-gw",
            tmp.resolve("state"),
            "tcp://127.0.0.1:1", // not used: the recording uplink is given
            new PushAdapter.Device("tank"),
            FlushSetting.DEFAULT,
            1L << 20,
            1000,
            null,
            telemetry),
        List.of(devices),
        holdingListener,
        Clock.systemUTC(),
        uplink);
  }

  private static List<Double> range(int from, int to) {
    List<Double> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add((double) i);
    }
    return out;
  }

  @Test
  void aSampleIsInTheUplinkWhenTheAdapterCallReturnsWhateverTheDispatcherDoes() throws Exception {
    try (Gateway gw = start(TelemetrySettings.DEFAULTS)) {
      PushAdapter tank = devices.last;
      try {
        tank.push("level", 0);
        assertTrue(held.await(60, TimeUnit.SECONDS), "the dispatch thread took the first event");
        for (int i = 1; i < 100; i++) {
          tank.push("level", i);
        }
        List<Double> values = new ArrayList<>();
        for (RecordingUplink.Message m : uplink.on("edgerule/ingress-gw/telemetry/tank/level")) {
          values.add(JSON.readTree(m.payload()).get("value").asDouble());
        }
        assertEquals(range(0, 100), values, "all 100, in order, while the dispatcher is held");
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void aCyclesBatchIsInTheUplinkWhenCycleEndReturnsWhateverTheDispatcherDoes() throws Exception {
    // A window of an hour: only the cycle ends can send these batches before the gateway stops.
    try (Gateway gw =
        start(new TelemetrySettings(TelemetrySettings.Mode.BATCH, Duration.ofHours(1)))) {
      PushAdapter tank = devices.last;
      String topic = "edgerule/ingress-gw/telemetry-batch/tank";
      try {
        tank.push("level", 0);
        assertTrue(held.await(60, TimeUnit.SECONDS), "the dispatch thread took the first event");
        for (int i = 1; i < 50; i++) {
          tank.push("level", i);
        }
        assertEquals(0, uplink.on(topic).size(), "a cycle under way is collected");
        tank.cycleEnd();
        for (int i = 50; i < 100; i++) {
          tank.push("level", i);
        }
        tank.cycleEnd();
        List<List<Double>> batches = new ArrayList<>();
        for (RecordingUplink.Message m : uplink.on(topic)) {
          List<Double> values = new ArrayList<>();
          for (JsonNode p : JSON.readTree(m.payload()).get("points")) {
            values.add(p.get("value").asDouble());
          }
          batches.add(values);
        }
        assertEquals(
            List.of(range(0, 50), range(50, 100)),
            batches,
            "one message per cycle, every sample in order, while the dispatcher is held");
      } finally {
        release.countDown();
      }
    }
  }

  @Test
  void devicesFollowTheirOwnSettings() {
    List<String> sent = new ArrayList<>();
    TelemetryAtIngress t =
        new TelemetryAtIngress(
            new JsonNamespace(new JsonTopics("e", "gw")),
            (OutboundMessage m) -> sent.add(m.topic().substring("e/gw/".length())),
            new TelemetrySettings(TelemetrySettings.Mode.BATCH, Duration.ofHours(1)),
            Map.of(
                "boiler",
                new TelemetrySettings(TelemetrySettings.Mode.PER_POINT, null),
                "noisy",
                new TelemetrySettings(TelemetrySettings.Mode.OFF, null)));
    t.event(event("tank/a", 1));
    t.event(event("boiler/t", 2)); // per point at once
    t.event(event("noisy/x", 3)); // not sent
    t.event(event("tank/b", 4));
    assertEquals(List.of("telemetry/boiler/t"), sent);
    t.close(); // the ingress closed: what is collected goes out
    assertEquals(List.of("telemetry/boiler/t", "telemetry-batch/tank"), sent);
  }

  @Test
  void newSettingsSendTheBatchesCollectedUnderTheOldOnesFirst() {
    List<String> sent = new ArrayList<>();
    TelemetrySettings batch =
        new TelemetrySettings(TelemetrySettings.Mode.BATCH, Duration.ofHours(1));
    TelemetryAtIngress t =
        new TelemetryAtIngress(
            new JsonNamespace(new JsonTopics("e", "gw")),
            (OutboundMessage m) -> sent.add(m.topic().substring("e/gw/".length())),
            batch,
            Map.of());
    t.event(event("tank/a", 1));
    t.event(event("boiler/t", 2));
    assertEquals(List.of(), sent, "collected, the window (1h) runs");
    assertFalse(t.settings(batch, Map.of()), "the same settings: nothing happens");
    assertEquals(List.of(), sent);
    TelemetrySettings perPoint = new TelemetrySettings(TelemetrySettings.Mode.PER_POINT, null);
    assertTrue(t.settings(perPoint, Map.of("boiler", batch)));
    assertEquals(List.of("telemetry-batch/tank", "telemetry-batch/boiler"), sent, "sent whole");
    t.event(event("tank/a", 3)); // per point now
    t.event(event("boiler/t", 4)); // its own setting: collected
    assertEquals(
        List.of("telemetry-batch/tank", "telemetry-batch/boiler", "telemetry/tank/a"), sent);
  }

  private static PointEvent event(String point, long seq) {
    Instant t = Instant.ofEpochSecond(1_700_000_000L);
    return new PointEvent(PointId.parse(point), PointValue.of(seq), Quality.GOOD, t, t, seq);
  }
}
