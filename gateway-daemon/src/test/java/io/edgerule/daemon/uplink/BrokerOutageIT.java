package io.edgerule.daemon.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.SampleLedger;
import io.edgerule.daemon.testing.SequenceAdapter;
import io.edgerule.daemon.testing.UplinkRig;
import io.edgerule.mqtt.testing.CuttableProxy;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 1: the broker is unreachable for 60 s while a device hands the gateway 10,000
 * sequence-numbered samples a second; then it is back. Every sample arrives at a subscriber, in
 * order per point (first arrivals); duplicates (QoS 1 allows them) are counted and printed.
 *
 * <p>The gateway's link to the broker is cut (connections reset, new ones reset as soon as
 * accepted) by a relay, while the subscriber stays connected to the broker directly: a stopped
 * non-persistent Mosquitto would also lose what it had acknowledged and not yet delivered, which no
 * client can prevent (broker restarts are {@code BrokerRestartIT}).
 */
class BrokerOutageIT {
  private static final int RATE = 10_000;
  private static final int POINTS = 10;
  private static final long OUTAGE_SAMPLES = 60L * RATE;
  private static final long AFTER_SAMPLES = RATE / 2;

  @TempDir Path tmp;

  @Test
  void everySampleArrivesAfterSixtySecondsWithoutBroker() throws Exception {
    try (Mosquitto broker =
            Mosquitto.start(
                tmp, null, List.of("max_queued_messages 0", "max_inflight_messages 0"));
        CuttableProxy link = new CuttableProxy(broker.port());
        SampleLedger ledger = new SampleLedger(broker.uri(), "edgerule/outage-gw/telemetry/#")) {
      SequenceAdapter.Factory devices = new SequenceAdapter.Factory();
      GatewayConfig config =
          UplinkRig.config(
              "outage-gw",
              tmp.resolve("state"),
              "tcp://127.0.0.1:" + link.port(),
              new SequenceAdapter.Device("seq", POINTS, RATE, Long.MAX_VALUE),
              FlushSetting.DEFAULT,
              1L << 30,
              2_000_000);
      long started = System.nanoTime();
      try (Gateway gw =
          Gateway.start(
              config, List.of(devices), new GatewayListener() {}, Clock.systemUTC(), null)) {
        SequenceAdapter device = devices.last;
        // Phases by condition and sample count: samples flow end to end, then the link is cut for
        // OUTAGE_SAMPLES, which the device (paced at RATE) takes at least 60 s to hand in (longer
        // if a loaded machine slows the producer; the printed figures say how long).
        Poll.until(() -> ledger.distinct() > 0, Duration.ofSeconds(60), "samples flow");
        long setupSeconds = (System.nanoTime() - started) / 1_000_000_000L;
        link.cut();
        long cutAt = device.produced();
        long cutNanos = System.nanoTime();
        device.awaitProduced(cutAt + OUTAGE_SAMPLES);
        long restoredAt = device.produced();
        link.restore();
        double outageSeconds = (System.nanoTime() - cutNanos) / 1e9;
        device.awaitProduced(restoredAt + AFTER_SAMPLES);
        long produced = device.stop();
        double rate = (restoredAt - cutAt) / outageSeconds;
        long drainFrom = System.nanoTime();

        Poll.until(
            () -> ledger.distinct() >= produced,
            Duration.ofMinutes(10),
            "all " + produced + " samples arrived (so far " + ledger.distinct() + ")");
        GatewayState state = gw.snapshot("online");
        long pipelineDropped = state.pipeline().dropped();
        long uplinkDropped = state.uplink().dropped();
        long resent = state.uplink().outbox().resent();
        System.out.printf(
            "BrokerOutageIT: sent %d samples (%d points), %d of them during the %.1f s outage"
                + " (%.0f samples/s); arrived %d distinct, lost %d, duplicated %d (received %d),"
                + " resent %d, pipeline drops %d, uplink drops %d; %d s in all: setup %d s,"
                + " drain after the device stopped %d s%n",
            produced,
            POINTS,
            restoredAt - cutAt,
            outageSeconds,
            rate,
            ledger.distinct(),
            ledger.missingCount(produced, POINTS),
            ledger.duplicates(),
            ledger.received(),
            resent,
            pipelineDropped,
            uplinkDropped,
            (System.nanoTime() - started) / 1_000_000_000L,
            setupSeconds,
            (System.nanoTime() - drainFrom) / 1_000_000_000L);
        assertTrue(restoredAt - cutAt >= OUTAGE_SAMPLES, "60 s worth of samples during the outage");
        assertEquals(List.of(), ledger.missing(produced, POINTS, 10), "missing samples");
        assertEquals(List.of(), ledger.orderViolations(), "order per point");
        assertEquals(0, pipelineDropped, "the pipeline dropped nothing");
        assertEquals(0, uplinkDropped, "the outbox dropped nothing");
      }
    }
  }
}
