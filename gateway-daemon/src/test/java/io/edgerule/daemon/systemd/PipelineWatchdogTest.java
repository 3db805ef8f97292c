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
        Poll.until(
            () -> gateway.liveness().stuck(3, TimeUnit.SECONDS).isEmpty(),
            Duration.ofSeconds(60),
            "an idle gateway's dispatcher and scheduler turn");
        service.pingIfAlive();
        assertEquals(List.of("WATCHDOG=1"), sent, "a running idle gateway is alive");

        push.last.push("level", 1.0);
        assertTrue(held.await(60, TimeUnit.SECONDS), "the event never reached the dispatcher");
        Poll.until(
            () -> gateway.liveness().stuck(3, TimeUnit.SECONDS).isPresent(),
            Duration.ofSeconds(60),
            "the held dispatcher reported silent");
        assertTrue(
            gateway.liveness().stuck(3, TimeUnit.SECONDS).orElseThrow().contains("dispatcher"));
        service.pingIfAlive();
        assertEquals(1, sent.size(), "pinged although the dispatcher is held: " + sent);

        release.countDown();
        Poll.until(
            () -> gateway.liveness().stuck(3, TimeUnit.SECONDS).isEmpty(),
            Duration.ofSeconds(60),
            "the freed dispatcher turns again");
        service.pingIfAlive();
        assertEquals(List.of("WATCHDOG=1", "WATCHDOG=1"), sent);
      } finally {
        release.countDown();
      }
    }
  }
}
