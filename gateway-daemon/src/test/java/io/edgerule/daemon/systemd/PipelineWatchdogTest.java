package io.edgerule.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.AdapterFactory;
import io.edgerule.adapter.PointEvent;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.GatewayListener;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.daemon.config.GatewaySection;
import io.edgerule.daemon.config.PipelineConfig;
import io.edgerule.daemon.testing.Poll;
import io.edgerule.daemon.testing.PushAdapter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog asks the real pipeline: while the gateway's dispatcher is held inside an event (a
 * listener that blocks, standing in for a hung route), systemd gets no WATCHDOG=1; once it is
 * released the pings come back. A watchdog driven by a timer of its own would ping throughout.
 */
class PipelineWatchdogTest {
  @TempDir Path tmp;

  @Test
  void aHeldDispatcherStopsThePingsAndAFreedOneResumesThem() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    GatewayListener holdsTheDispatcher =
        new GatewayListener() {
          @Override
          public void onEvent(PointEvent event) {
            held.countDown();
            try {
              release.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    PushAdapter.Factory push = new PushAdapter.Factory();
    GatewayConfig config =
        new GatewayConfig(
            new GatewaySection("watchdog-gw", tmp.resolve("state")),
            List.of(new PushAdapter.Device("tank")),
            List.of(),
            null,
            new PipelineConfig(1000, 64, 1, Duration.ofSeconds(30)),
            null);
    List<AdapterFactory<?>> factories = List.of(push);
    List<String> sent = new CopyOnWriteArrayList<>();
    try (Gateway gateway =
        Gateway.start(config, factories, holdsTheDispatcher, Clock.systemUTC())) {
      try {
        // WatchdogSec=1: silence allowed is the minimum, three scheduler probes (3 s).
        SystemdService service =
            new SystemdService(
                m -> {
                  sent.add(m);
                  return true;
                },
                gateway.liveness(),
                1_000_000);
        // The pings of a live gateway are awaited, not taken at one instant: on a loaded machine
        // the scheduler's 1 s probe can come late enough that one check falls into a 3 s silence
        // (a real systemd would simply get the next ping). Only the held case below is asserted
        // at an instant, because the held dispatcher stays silent for certain.
        Poll.until(
            () -> {
              service.pingIfAlive();
              return !sent.isEmpty();
            },
            Duration.ofSeconds(60),
            "an idle gateway's dispatcher and scheduler turn (pinged)");
        assertEquals(List.of("WATCHDOG=1"), sent, "a running idle gateway is alive");

        push.last.push("level", 1.0);
        assertTrue(held.await(60, TimeUnit.SECONDS), "the event never reached the dispatcher");
        // Awaited on the dispatcher by name: a late scheduler probe on a loaded machine can make
        // the report non-empty before the held dispatcher has been silent for 3 s.
        Poll.until(
            () ->
                gateway
                    .liveness()
                    .stuck(3, TimeUnit.SECONDS)
                    .filter(m -> m.contains("dispatcher"))
                    .isPresent(),
            Duration.ofSeconds(60),
            "the held dispatcher reported silent");
        service.pingIfAlive();
        assertEquals(1, sent.size(), "pinged although the dispatcher is held: " + sent);

        release.countDown();
        Poll.until(
            () -> {
              service.pingIfAlive();
              return sent.size() == 2;
            },
            Duration.ofSeconds(60),
            "the freed dispatcher turns again (pinged)");
        assertEquals(List.of("WATCHDOG=1", "WATCHDOG=1"), sent);
      } finally {
        release.countDown();
      }
    }
  }
}
