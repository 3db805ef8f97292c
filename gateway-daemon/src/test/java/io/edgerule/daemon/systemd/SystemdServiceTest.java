package io.edgerule.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.Liveness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The watchdog pings only while the pipeline turns; a virtual clock makes "stuck" exact. */
class SystemdServiceTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Liveness liveness = new Liveness(now::get);
  private final List<String> sent = new ArrayList<>();

  private SystemdService service(long watchdogMicros) {
    return new SystemdService(
        s -> {
          sent.add(s);
          return true;
        },
        liveness,
        watchdogMicros);
  }

  private void advance(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void pingsWhileBothPartsTurnAndStopsWhenOneIsSilent() {
    SystemdService s = service(20_000_000); // WatchdogSec=20: silence allowed 10 s
    advance(9_000);
    liveness.dispatcherTurned();
    liveness.schedulerTurned();
    s.pingIfAlive();
    assertEquals(List.of("WATCHDOG=1"), sent);

    advance(9_000); // 9 s after the last turns: still alive
    s.pingIfAlive();
    assertEquals(2, sent.size());

    advance(2_000); // both silent for 11 s
    s.pingIfAlive();
    assertEquals(2, sent.size(), "a silent pipeline must not be pinged for");
    assertTrue(liveness.stuck(10, TimeUnit.SECONDS).orElseThrow().contains("dispatcher"));

    liveness.dispatcherTurned(); // the scheduler is still silent
    s.pingIfAlive();
    assertEquals(2, sent.size());
    assertEquals("scheduler silent for 11.0 s", liveness.stuck(10, TimeUnit.SECONDS).orElseThrow());

    liveness.schedulerTurned();
    s.pingIfAlive();
    assertEquals(3, sent.size(), "pings resume once every part turns again");
  }

  @Test
  void aShortWatchdogStillAllowsThreeSchedulerProbes() {
    SystemdService s = service(1_000_000); // WatchdogSec=1: half is 0.5 s, less than a probe period
    advance(2_900);
    liveness.dispatcherTurned();
    s.pingIfAlive();
    assertEquals(List.of("WATCHDOG=1"), sent, "scheduler silent 2.9 s is within 3 probes");
    advance(200);
    liveness.dispatcherTurned();
    s.pingIfAlive();
    assertEquals(1, sent.size());
  }

  @Test
  void readyAndStoppingCarryAStatusLine() {
    SystemdService s = service(0);
    s.ready("running: 2 adapters,\n3 rules");
    s.stopping();
    s.close();
    assertEquals(
        List.of("READY=1\nSTATUS=running: 2 adapters, 3 rules", "STOPPING=1\nSTATUS=stopping"),
        sent);
  }

  @Test
  void theWatchdogIsOursOnlyForOurPid() {
    assertEquals(5_000_000, SystemdService.watchdogMicros(Map.of("WATCHDOG_USEC", "5000000"), 42));
    assertEquals(
        5_000_000,
        SystemdService.watchdogMicros(
            Map.of("WATCHDOG_USEC", "5000000", "WATCHDOG_PID", "42"), 42));
    assertEquals(
        0,
        SystemdService.watchdogMicros(
            Map.of("WATCHDOG_USEC", "5000000", "WATCHDOG_PID", "43"), 42));
    assertEquals(0, SystemdService.watchdogMicros(Map.of(), 42));
    assertEquals(0, SystemdService.watchdogMicros(Map.of("WATCHDOG_USEC", "soon"), 42));
  }

  @Test
  void withoutNotifySocketNothingIsLoadedOrSent() {
    SystemdService s = SystemdService.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"), liveness);
    s.ready("running");
    s.stopping();
    s.close(); // no NOTIFY_SOCKET: no thread, no JNA, no exception
  }
}
