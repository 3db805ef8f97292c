package io.edgerule.daemon.namespace.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.namespace.sparkplug.SparkplugHost.Received;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.PushAdapter;
import io.edgerule.daemon.testing.Snapshots;
import io.edgerule.daemon.testing.UplinkRig;
import io.edgerule.mqtt.outbox.MessageClass;
import io.edgerule.mqtt.testing.CuttableProxy;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparkplug B store and forward: the gateway's link to the broker is cut while a device goes on
 * handing it values; when the link is back, a Sparkplug host (Tahu's decoder) sees the new NBIRTH
 * and DBIRTH, then every value of the outage as DDATA with {@code is_historical} set, in order and
 * without a gap, then current values; seq numbers are consecutive within each session.
 */
class SparkplugOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int BEFORE = 100;
  private static final int DURING = 1_000;
  private static final int AFTER = 100;

  @TempDir Path tmp;

  /** A DDATA metric of the tank's level: current ones by alias, historical ones by name. */
  private record Level(int index, double value, boolean historical) {}

  @Test
  void dataOfAnOutageArrivesAfterTheRebirthFlaggedHistoricalWithoutGaps() throws Exception {
    try (Mosquitto broker = Mosquitto.start(tmp);
        CuttableProxy link = new CuttableProxy(broker.port());
        SparkplugHost host = new SparkplugHost(broker.uri(), "plant")) {
      PushAdapter.Factory devices = new PushAdapter.Factory();
      try (Gateway gw =
          Gateway.start(
              UplinkRig.sparkplug(
                  "gw-sf",
                  tmp.resolve("state"),
                  "tcp://127.0.0.1:" + link.port(),
                  new PushAdapter.Device("tank")),
              List.of(devices),
              new GatewayListener() {},
              Clock.systemUTC(),
              null)) {
        PushAdapter tank = devices.last;
        tank.reportsDevice = true; // up: the gateway sends its DBIRTH
        Received dbirth =
            host.await(
                0, r -> SparkplugGatewayIT.is(r, MessageType.DBIRTH, "tank"), WAIT, "DBIRTH");
        long alias = dbirth.metric("level").getAlias();
        push(tank, 0, BEFORE);
        Poll.until(() -> levels(host, alias).size() >= BEFORE, WAIT, "the first values, live");

        link.cut();
        Poll.until(() -> !gw.uplink().isConnected(), WAIT, "the gateway sees the outage");
        int cutAt = host.size();
        push(tank, BEFORE, BEFORE + DURING);
        // The values reach the outbox through the pipeline; once they are all there, the link
        // comes back (values still in the pipeline then would be made in the new session).
        Poll.until(
            () -> Snapshots.outbox(gw, MessageClass.TELEMETRY).queuedMessages() >= DURING,
            WAIT,
            "the outage's values stored in the outbox");
        link.restore();
        Received nbirth =
            host.await(
                cutAt,
                r -> SparkplugGatewayIT.is(r, MessageType.NBIRTH, null),
                WAIT,
                "NBIRTH after the outage");
        Received reborn =
            host.await(
                nbirth.index(),
                r -> SparkplugGatewayIT.is(r, MessageType.DBIRTH, "tank"),
                WAIT,
                "DBIRTH after the outage");
        push(tank, BEFORE + DURING, BEFORE + DURING + AFTER);
        int total = BEFORE + DURING + AFTER;
        Poll.until(
            () -> levels(host, alias).size() >= total,
            WAIT,
            "all " + total + " values (so far " + levels(host, alias).size() + ")");

        List<Level> levels = levels(host, alias);
        List<Double> values = levels.stream().map(Level::value).toList();
        List<Double> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
          expected.add((double) i);
        }
        assertEquals(expected, values, "every value once, in order, no gap");
        for (Level l : levels) {
          double v = l.value();
          if (v >= BEFORE && v < BEFORE + DURING) {
            assertTrue(l.index() > reborn.index(), "after the new DBIRTH: " + l);
            assertTrue(l.historical(), "flagged historical: " + l);
          } else {
            assertTrue(!l.historical(), "current: " + l);
          }
        }
        SparkplugGatewayIT.assertSeqConsecutive(host.all());
        System.out.printf(
            "SparkplugOutageIT: %d values (%d during the outage) arrived, %d flagged"
                + " historical; %d Sparkplug messages%n",
            levels.size(), DURING, levels.stream().filter(Level::historical).count(), host.size());
      }
    }
  }

  private static void push(PushAdapter device, int from, int to) {
    for (int i = from; i < to; i++) {
      device.push("level", i);
    }
  }

  /** Every level value in DDATA of the tank, in arrival order. */
  private static List<Level> levels(SparkplugHost host, long alias) {
    List<Level> out = new ArrayList<>();
    for (Received r : host.all()) {
      if (!SparkplugGatewayIT.is(r, MessageType.DDATA, "tank")) {
        continue;
      }
      for (Metric m : r.payload().getMetrics()) {
        boolean historical = Boolean.TRUE.equals(m.isHistorical());
        boolean level =
            historical
                ? "level".equals(m.getName())
                : m.getAlias() != null && m.getAlias() == alias;
        if (level) {
          out.add(new Level(r.index(), (Double) m.getValue(), historical));
        }
      }
    }
    return out;
  }
}
