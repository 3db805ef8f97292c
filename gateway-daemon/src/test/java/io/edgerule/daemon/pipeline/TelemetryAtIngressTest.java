package io.edgerule.daemon.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.daemon.testing.RecordingUplink;
import io.edgerule.daemon.testing.UplinkRig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-point telemetry is handed to the uplink (the outbox) in the adapter's own call, not later by
 * the dispatch thread: with the dispatch thread held still on the first event, every sample the
 * adapter hands in is in the uplink, in order, when its call returns.
 */
class TelemetryAtIngressTest {
  @TempDir Path tmp;

  @Test
  void aSampleIsInTheUplinkWhenTheAdapterCallReturnsWhateverTheDispatcherDoes() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    GatewayListener listener =
        new GatewayListener() {
          @Override
          public void onEvent(PointEvent event) { // on the dispatch thread, before the rules
            held.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    RecordingUplink uplink = new RecordingUplink();
    PushAdapter.Factory devices = new PushAdapter.Factory();
    try (Gateway gw =
        Gateway.start(
            UplinkRig.config(
                "ingress-gw",
                tmp.resolve("state"),
                "tcp://127.0.0.1:1", // not used: the recording uplink is given
                new PushAdapter.Device("tank"),
                FlushSetting.DEFAULT,
                1L << 20,
                1000,
                null),
            List.of(devices),
            listener,
            Clock.systemUTC(),
            uplink)) {
      PushAdapter tank = devices.last;
      try {
        tank.push("level", 0);
        assertTrue(held.await(60, TimeUnit.SECONDS), "the dispatch thread took the first event");
        for (int i = 1; i < 100; i++) {
          tank.push("level", i);
        }
        List<Double> values = new ArrayList<>();
        for (RecordingUplink.Message m : uplink.on("edgerule/ingress-gw/telemetry/tank/level")) {
          String json = new String(m.payload(), UTF_8);
          int at = json.indexOf("\"value\":") + 8;
          values.add(Double.valueOf(json.substring(at, json.indexOf(',', at))));
        }
        List<Double> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          expected.add((double) i);
        }
        assertEquals(expected, values, "all 100, in order, while the dispatcher is held");
      } finally {
        release.countDown();
      }
    }
  }
}
