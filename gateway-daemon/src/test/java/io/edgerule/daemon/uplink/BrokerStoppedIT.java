package io.edgerule.daemon.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.RuleConfig;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.SampleLedger;
import io.edgerule.daemon.testing.SequenceAdapter;
import io.edgerule.daemon.testing.Snapshots;
import io.edgerule.daemon.testing.UplinkRig;
import io.edgerule.daemon.testing.Wat;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.outbox.OutboxStats;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 5: the broker stops reading (SIGSTOP: its sockets stay open, nothing is read or
 * answered) while a device hands in 10,000 samples a second and a rule writes to the device on
 * every event of one point. The gateway's memory stays bounded: the outbox holds telemetry within
 * its budget and counts what it drops, publishes waiting for the broker stay within the in-flight
 * window, the pipeline drops nothing; the rule and its device writes go on. After SIGCONT the
 * newest samples arrive.
 */
class BrokerStoppedIT {
  private static final int RATE = 10_000;
  private static final int POINTS = 10;
  private static final long BUDGET = 4L << 20;

  @TempDir Path tmp;

  @Test
  void aBrokerThatStopsReadingLeavesTheGatewayBoundedAndWorking() throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    Path wasm = Wat.compile(Wat.rule("", Wat.ECHO_SEQUENCES), rules.resolve("echo.wasm"));
    Files.writeString(
        rules.resolve("echo.yaml"),
        "name: echo\ninputs: [tank/p0]\nwritable_points: [tank/out]\n"
            + "limits: {deadline: 1s, actions_per_second: 100000}\n");
    try (Mosquitto broker =
            Mosquitto.start(
                tmp, null, List.of("max_queued_messages 0", "max_inflight_messages 0"));
        SampleLedger ledger = new SampleLedger(broker.uri(), "edgerule/stop-gw/telemetry/#")) {
      SequenceAdapter.Factory devices = new SequenceAdapter.Factory();
      GatewayConfig base =
          UplinkRig.config(
              "stop-gw",
              tmp.resolve("state"),
              broker.uri(),
              new SequenceAdapter.Device("tank", POINTS, RATE, Long.MAX_VALUE),
              FlushSetting.DEFAULT,
              BUDGET,
              2_000_000);
      GatewayConfig config =
          new GatewayConfig(
              base.gateway(),
              base.devices(),
              List.of(new RuleConfig("echo", wasm, null, true)),
              base.mqtt(),
              base.pipeline(),
              null,
              base.outbox());
      try (Gateway gw =
          Gateway.start(
              config, List.of(devices), new GatewayListener() {}, Clock.systemUTC(), null)) {
        SequenceAdapter device = devices.last;
        Poll.until(() -> ledger.distinct() >= 10_000, Duration.ofMinutes(3), "samples flow");
        broker.pause(); // SIGSTOP
        try {
          long writesAtStop = device.writes();
          long producedAtStop = device.produced();
          // Until the outbox had to drop telemetry for space, and 20,000 more device writes later.
          Poll.until(
              () -> Snapshots.outbox(gw, MessageClass.TELEMETRY).droppedForSpace() > 0,
              Duration.ofMinutes(5),
              "telemetry dropped for space while the broker does not read");
          long writesAtDrop = device.writes();
          Poll.until(
              () -> device.writes() >= writesAtDrop + 20_000,
              Duration.ofMinutes(5),
              "the rule's device writes go on (" + device.writes() + ")");
          GatewayState state = gw.snapshot("online");
          OutboxStats.ClassStats telemetry = Snapshots.outbox(state, MessageClass.TELEMETRY);
          long inFlight = state.uplink().outbox().inFlight();
          System.out.printf(
              "BrokerStoppedIT: while the broker was stopped: %d samples handed in, %d device"
                  + " writes, telemetry backlog %d bytes (budget %d), %d telemetry dropped for"
                  + " space, %d publishes in flight, pipeline queue %d%n",
              device.produced() - producedAtStop,
              device.writes() - writesAtStop,
              telemetry.queuedBytes(),
              BUDGET,
              telemetry.droppedForSpace(),
              inFlight,
              state.pipeline().queueDepth());
          assertTrue(telemetry.queuedBytes() <= BUDGET, telemetry.toString());
          assertTrue(inFlight <= 1000, "in flight within the window: " + inFlight);
          assertEquals(0, state.pipeline().dropped(), "pipeline drops");
          assertTrue(
              state.rules().get(0).batches() > 0 && "ACTIVE".equals(state.rules().get(0).status()),
              "the rule runs: " + state.rules());
        } finally {
          broker.resume(); // SIGCONT
        }
        // The device stops; its newest sample (never the one a full budget drops) arrives.
        long produced = device.stop();
        long last = (produced - 1) / POINTS;
        Poll.until(
            () -> ledger.has("p0", last),
            Duration.ofMinutes(5),
            "samples flow again after SIGCONT (p0#" + last + ")");
      }
    }
  }
}
