package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointValue;
import io.edgerule.sim.zigbee.SocatPty;
import io.edgerule.sim.zigbee.VirtualDevice;
import io.edgerule.sim.zigbee.ZigbeeSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A serial port that is not there (dongle unplugged) is retried quietly: one WARN per reason, no
 * error from the Zigbee library at every retry, INFO when the dongle is back. Checked on the log
 * events themselves; the dongle then appears as a socat pty (Debian package "socat").
 */
class ZigbeeMissingPortIT {
  @TempDir Path tmp;

  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void capture() {
    events.start();
    root.addAppender(events);
  }

  @AfterEach
  void release() {
    root.detachAppender(events);
  }

  /** Events of the adapter and the Zigbee library (not of threads other tests left behind). */
  private List<ILoggingEvent> atLeast(Level level) {
    return all().stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(level))
        .filter(
            e ->
                e.getLoggerName().startsWith("io.edgerule.adapter.zigbee")
                    || e.getLoggerName().startsWith("com.zsmartsystems"))
        .toList();
  }

  private List<ILoggingEvent> all() {
    synchronized (events) {
      return List.copyOf(events.list);
    }
  }

  @Test
  void aMissingSerialPortIsLoggedOncePerReason() throws Exception {
    Path port = tmp.resolve("ttyZigbee");
    ZigbeeCoordinatorConfig config =
        ZigbeeRig.config(port.toString(), Map.of(), Duration.ofMinutes(5), null);
    try (TestContext ctx = new TestContext(tmp.resolve("state"));
        ZigbeeCoordinatorAdapter adapter = new ZigbeeCoordinatorAdapter(config, ctx.context)) {
      Recorder sink = new Recorder();
      adapter.start(sink).toCompletableFuture().get(60, TimeUnit.SECONDS);
      ZigbeeRig.await(
          () ->
              adapter.health().devices().get(0).counters().getOrDefault("bring_up_failures", 0L)
                  >= 4,
          ZigbeeRig.WAIT,
          "four failed attempts to bring the network up");

      List<ILoggingEvent> problems = atLeast(Level.WARN);
      assertEquals(
          1,
          problems.size(),
          "one WARN for four attempts that failed for the same reason: " + problems);
      ILoggingEvent warn = problems.get(0);
      assertEquals(Level.WARN, warn.getLevel());
      assertTrue(
          warn.getFormattedMessage().contains(port + " does not exist"),
          warn.getFormattedMessage());
      assertTrue(
          all().stream().noneMatch(e -> e.getLoggerName().startsWith("com.zsmartsystems")),
          "the Zigbee library was never handed the missing port: " + all());

      // the dongle is plugged in: INFO, online
      int logged = all().size();
      try (SocatPty cable = SocatPty.create(tmp.resolve("dongle"), port);
          ZigbeeSimulator sim =
              ZigbeeSimulator.builder()
                  .device(VirtualDevice.light(0x00124B0001ABCD04L))
                  .startSerial(cable.dongleEnd().toString(), 9600)) {
        sink.await(
            s ->
                s.point().equals(PointId.parse("zigbee/online"))
                    && PointValue.of(true).equals(s.value()),
            ZigbeeRig.WAIT,
            "online once the dongle is there");
        List<ILoggingEvent> after = all().subList(logged, all().size());
        assertTrue(
            after.stream()
                .anyMatch(
                    e ->
                        e.getLevel() == Level.INFO
                            && e.getFormattedMessage().contains("coordinator is back")),
            "recovery logged at INFO: " + after);
      }
    }
  }
}
