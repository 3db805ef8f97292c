package io.edgerule.daemon.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.mqtt.OutboxUplink;
import io.edgerule.daemon.namespace.AlarmChange;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.namespace.json.JsonNamespace;
import io.edgerule.daemon.testing.MqttProbe;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.SampleLedger;
import io.edgerule.daemon.testing.SequenceAdapter;
import io.edgerule.daemon.testing.Snapshots;
import io.edgerule.daemon.testing.UplinkRig;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxStats;
import io.edgerule.mqtt.testing.CuttableProxy;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 4: the outbox reaches its quota (the telemetry budget, 2 MiB here) while the
 * broker is unreachable. Telemetry is dropped oldest first and every drop is counted; the queue
 * stays within its budget; alarms, which have their own budget, are all kept and delivered; the
 * gateway goes on, and once the broker is back the newest telemetry arrives.
 */
class OutboxQuotaIT {
  private static final int RATE = 5_000;
  private static final int POINTS = 10;
  private static final long BUDGET = 2L << 20;
  private static final int ALARMS = 300;

  @TempDir Path tmp;

  @Test
  void telemetryIsDroppedOldestFirstAndCountedWhileAlarmsAreKept() throws Exception {
    try (Mosquitto broker =
            Mosquitto.start(
                tmp, null, List.of("max_queued_messages 0", "max_inflight_messages 0"));
        CuttableProxy link = new CuttableProxy(broker.port());
        SampleLedger ledger = new SampleLedger(broker.uri(), "edgerule/quota-gw/telemetry/#");
        MqttProbe alarms = new MqttProbe(broker.uri(), "edgerule/quota-gw/alarms/#")) {
      SequenceAdapter.Factory devices = new SequenceAdapter.Factory();
      try (Gateway gw =
          Gateway.start(
              UplinkRig.config(
                  "quota-gw",
                  tmp.resolve("state"),
                  "tcp://127.0.0.1:" + link.port(),
                  new SequenceAdapter.Device("seq", POINTS, RATE, Long.MAX_VALUE),
                  FlushSetting.DEFAULT,
                  BUDGET,
                  2_000_000),
              List.of(devices),
              new GatewayListener() {},
              Clock.systemUTC(),
              null)) {
        SequenceAdapter device = devices.last;
        Poll.until(() -> ledger.distinct() >= 10_000, Duration.ofMinutes(3), "samples flow");
        link.cut();
        long cutAt = device.produced();
        // ~300 bytes a sample: 100,000 samples are ~15 times the budget
        for (int i = 0; i < ALARMS; i++) {
          device.awaitProduced(cutAt + (i + 1) * 100_000L / ALARMS);
          gw.namespace()
              .alarm(
                  AlarmChange.raised("quota-rule", "a" + i, 2, "raised", Instant.now()),
                  gw.uplink()::publish);
        }
        Poll.until(
            () -> Snapshots.outbox(gw, MessageClass.ALARM).queuedMessages() == ALARMS,
            Duration.ofMinutes(1),
            "every alarm committed to the outbox");
        GatewayState during = gw.snapshot("online");
        long backlogBytes = Snapshots.outbox(during, MessageClass.TELEMETRY).queuedBytes();
        long droppedDuring = Snapshots.outbox(during, MessageClass.TELEMETRY).dropped();
        assertTrue(backlogBytes <= BUDGET, "telemetry within its budget: " + backlogBytes);
        assertTrue(droppedDuring > 0, "telemetry dropped for space: " + during.uplink());
        OutboxStats.ClassStats alarmsDuring = Snapshots.outbox(during, MessageClass.ALARM);
        assertEquals(ALARMS, alarmsDuring.queuedMessages(), "alarms kept");
        assertEquals(0, alarmsDuring.dropped());

        link.restore();
        long produced = device.stop();
        for (int i = 0; i < ALARMS; i++) {
          String topic = ((JsonNamespace) gw.namespace()).topics().alarm("quota-rule", "a" + i);
          alarms.await(m -> m.topic().equals(topic), Duration.ofMinutes(3));
        }
        // The newest sample of every point arrives (it is never the one dropped), then nothing is
        // left in the outbox.
        for (int p = 0; p < POINTS; p++) {
          String point = "p" + p;
          long last = (produced - 1 - p) / POINTS;
          Poll.until(() -> ledger.has(point, last), Duration.ofMinutes(5), point + "#" + last);
        }
        Poll.until(
            () -> Snapshots.outbox(gw, MessageClass.TELEMETRY).queuedMessages() == 0,
            Duration.ofMinutes(5),
            "the telemetry backlog was sent");
        GatewayState state = gw.snapshot("online");
        long dropped = Snapshots.outbox(state, MessageClass.TELEMETRY).dropped();
        long missing = ledger.missingCount(produced, POINTS);
        // Oldest first: per point, every sample after the newest missing one arrived, and those
        // are at least the budget's worth of the newest samples (a message is ~300 bytes).
        long keptPerPoint = BUDGET / 1024 / POINTS;
        for (int p = 0; p < POINTS; p++) {
          String point = "p" + p;
          long last = (produced - 1 - p) / POINTS;
          long lastMissing = -1;
          for (long v = last; v >= 0; v--) {
            if (!ledger.has(point, v)) {
              lastMissing = v;
              break;
            }
          }
          assertTrue(
              last - lastMissing >= keptPerPoint,
              point
                  + ": the newest "
                  + keptPerPoint
                  + " samples were kept, lost up to #"
                  + lastMissing
                  + " of "
                  + last);
        }
        System.out.printf(
            "OutboxQuotaIT: sent %d samples, telemetry budget %d bytes; dropped (counted) %d,"
                + " missing at the subscriber %d, alarms %d of %d delivered, telemetry backlog"
                + " at most %d bytes, failed publishes %d%n",
            produced,
            BUDGET,
            dropped,
            missing,
            ALARMS,
            ALARMS,
            backlogBytes,
            ((OutboxUplink) gw.uplink()).forwarder().failures());
        // A message the budget removed while the forwarder had it (read, or sent and waiting for
        // its acknowledgement) counts only if it was never acknowledged. So every counted drop is
        // missing, except one whose publish failed after reaching the broker (acknowledgement
        // lost with the connection): at most the failed publishes.
        long failures = ((OutboxUplink) gw.uplink()).forwarder().failures();
        assertTrue(missing <= dropped, "every missing sample was a counted drop");
        assertTrue(
            dropped - missing <= failures,
            "counted " + dropped + ", missing " + missing + ", failed publishes " + failures);
        assertTrue(missing > 0, "the budget made the gateway drop telemetry");
        assertEquals(0, state.pipeline().dropped(), "pipeline drops");
        assertTrue(gw.uplink().isConnected(), "the gateway went on");
      }
    }
  }
}
