package io.edgerule.daemon.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.FlushSetting;
import io.edgerule.daemon.namespace.GatewayState;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.SampleLedger;
import io.edgerule.daemon.testing.SequenceAdapter;
import io.edgerule.daemon.testing.UplinkRig;
import io.edgerule.mqtt.testing.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, test 3: the broker restarts (SIGTERM, start again) in the middle of a stream of 10,000
 * samples a second: nothing is lost. The broker keeps its state on disk ({@code persistence true})
 * and the subscriber has a persistent session: a broker without persistence forgets, when it stops,
 * what it had acknowledged to the gateway and not yet delivered, which no client can prevent.
 */
class BrokerRestartIT {
  private static final int RATE = 10_000;
  private static final int POINTS = 10;

  @TempDir Path tmp;

  @Test
  void aBrokerRestartMidStreamLosesNothing() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("broker-data"));
    ownedByBroker(data);
    try (Mosquitto broker =
            Mosquitto.start(
                tmp,
                null,
                List.of(
                    "max_queued_messages 0",
                    "max_inflight_messages 0",
                    "persistence true",
                    "persistence_location " + data + "/"));
        SampleLedger ledger =
            new SampleLedger(
                broker.uri(), "edgerule/restart-gw/telemetry/#", "restart-ledger", false)) {
      SequenceAdapter.Factory devices = new SequenceAdapter.Factory();
      try (Gateway gw =
          Gateway.start(
              UplinkRig.config(
                  "restart-gw",
                  tmp.resolve("state"),
                  broker.uri(),
                  new SequenceAdapter.Device("seq", POINTS, RATE, Long.MAX_VALUE),
                  FlushSetting.DEFAULT,
                  1L << 30,
                  2_000_000),
              List.of(devices),
              new GatewayListener() {},
              Clock.systemUTC(),
              null)) {
        SequenceAdapter device = devices.last;
        Poll.until(() -> ledger.distinct() >= 50_000, Duration.ofMinutes(3), "samples flow");
        long restartAt = device.produced();
        broker.restart();
        device.awaitProduced(restartAt + 100_000);
        long produced = device.stop();
        Poll.until(
            () -> ledger.distinct() >= produced,
            Duration.ofMinutes(10),
            "all " + produced + " samples arrived (so far " + ledger.distinct() + ")");
        GatewayState state = gw.snapshot("online");
        System.out.printf(
            "BrokerRestartIT: sent %d samples, broker restarted after %d; arrived %d distinct,"
                + " lost %d, duplicated %d, resent %d%n",
            produced,
            restartAt,
            ledger.distinct(),
            ledger.missingCount(produced, POINTS),
            ledger.duplicates(),
            state.uplink().outbox().resent());
        assertEquals(List.of(), ledger.missing(produced, POINTS, 10), "missing samples");
        assertEquals(List.of(), ledger.orderViolations(), "order per point");
        assertEquals(0, state.pipeline().dropped(), "pipeline drops");
        assertEquals(0, state.uplink().dropped(), "outbox drops");
      }
    }
  }

  /** Mosquitto started as root drops to its own user, which must own its persistence folder. */
  private static void ownedByBroker(Path data) throws Exception {
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
    try {
      UserPrincipal mosquitto =
          data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("mosquitto");
      Files.setOwner(data, mosquitto);
    } catch (java.io.IOException | UnsupportedOperationException e) {
      // no such user (the broker then runs as we do and can write the folder)
    }
  }
}
