package io.edgerule.daemon.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.PointSample;
import io.edgerule.daemon.testing.ChaosAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A sample racing the gateway's shutdown (the adapter's poll answered while it was being closed) is
 * expected: it is counted and logged at DEBUG, not at ERROR as a broken adapter would be.
 */
class AdapterGuardCloseTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final Logger guardLog = (Logger) LoggerFactory.getLogger(AdapterGuard.class);
  private final Level levelBefore = guardLog.getLevel();
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @AfterEach
  void stop() {
    guardLog.detachAppender(lines);
    guardLog.setLevel(levelBefore);
    scheduler.shutdownNow();
  }

  private List<ILoggingEvent> logged() {
    synchronized (lines) { // the appender appends under its own lock
      return new ArrayList<>(lines.list);
    }
  }

  private static long counter(AdapterGuard guard, String name) {
    return guard.health().devices().stream()
        .filter(d -> d.device().equals(AdapterGuard.GATEWAY_ENTRY))
        .map(AdapterHealth.DeviceHealth::counters)
        .mapToLong(c -> c.getOrDefault(name, 0L))
        .sum();
  }

  @Test
  void aSampleHandedInAfterCloseIsCountedAndLoggedAtDebugOnly() {
    guardLog.setLevel(Level.DEBUG);
    lines.start();
    guardLog.addAppender(lines);
    ChaosAdapter chaos = new ChaosAdapter();
    AdapterGuard guard = new AdapterGuard(chaos, "chaos", scheduler, Duration.ofSeconds(30));
    List<PointSample> passed = new ArrayList<>();
    guard.start(passed::add);
    chaos.sink.accept(ChaosAdapter.sample(ChaosAdapter.TEMP, 1));
    guard.close();
    chaos.sink.accept(ChaosAdapter.sample(ChaosAdapter.TEMP, 2));
    chaos.sink.accept(ChaosAdapter.sample(ChaosAdapter.TEMP, 3));

    assertEquals(1, passed.size(), "only the sample before close() went on");
    assertEquals(2L, counter(guard, "events_after_close"));
    List<ILoggingEvent> events = logged();
    assertEquals(
        List.of(),
        events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList(),
        "nothing at INFO or above");
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e.getLevel() == Level.DEBUG
                        && e.getFormattedMessage().contains("after close()")),
        "logged at DEBUG: " + events);
  }
}
