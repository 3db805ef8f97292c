package io.edgerule.adapter.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.edgerule.adapter.AdapterHealth;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.sim.opcua.OpcUaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * A problem that repeats at every retry (here: the gateway's private key is missing) is logged once
 * at WARN, without a stack trace; recovery is logged at INFO.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a net for a hang, not a speed check
class OpcUaLogOnceIT {
  static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aMissingPrivateKeyIsLoggedOnceAndItsRecoveryAtInfo() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger adapterLog = (Logger) LoggerFactory.getLogger(OpcUaAdapter.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    root.addAppender(events);
    try (OpcUaSimulator sim = OpcUaSimulator.builder().trustAllClients(true).start();
        TestContext ctx = new TestContext()) {
      OpcUaPki pki = ctx.pki();
      pki.ownCertificate();
      Path key = pki.root().resolve("own/private/edgerule-gateway.pem");
      byte[] saved = Files.readAllBytes(key);
      Files.delete(key);

      try (ProtocolAdapter adapter =
          Fixtures.adapter(
              Fixtures.device(
                  sim.endpointUrl(),
                  SecurityPolicyName.NONE,
                  SecurityMode.NONE,
                  null,
                  Duration.ofSeconds(2)),
              ctx)) {
        adapter.start(new RecordingSink());
        awaitTrue(() -> counter(adapter, "connect_attempts") >= 4, "four failed attempts");
        assertEquals(AdapterHealth.State.DOWN, adapter.health().state());

        List<ILoggingEvent> warnings = warnings(events);
        assertEquals(1, warnings.size(), "one WARN for four failures: " + warnings);
        ILoggingEvent warning = warnings.get(0);
        assertTrue(
            warning.getFormattedMessage().contains(key + " is missing"),
            warning.getFormattedMessage());
        assertNull(warning.getThrowableProxy(), "an expected problem needs no stack trace");

        Files.write(key, saved);
        awaitTrue(() -> adapter.health().state() == AdapterHealth.State.UP, "connected");
        assertEquals(1, warnings(events).size(), warnings(events).toString());
        List<ILoggingEvent> recovered =
            logged(events).stream()
                .filter(e -> e.getLoggerName().equals(adapterLog.getName()))
                .filter(e -> e.getLevel() == Level.INFO)
                .filter(e -> e.getFormattedMessage().contains("connected to " + sim.endpointUrl()))
                .toList();
        assertEquals(1, recovered.size(), logged(events).toString());
        assertTrue(
            recovered.get(0).getFormattedMessage().contains("after: "), recovered.toString());
      }
    } finally {
      root.detachAppender(events);
    }
  }

  private static List<ILoggingEvent> warnings(ListAppender<ILoggingEvent> events) {
    return logged(events).stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .filter(e -> e.getLoggerName().startsWith("io.edgerule.adapter"))
        .toList();
  }

  /** AppenderBase.doAppend holds the appender's lock while it adds to the list. */
  private static List<ILoggingEvent> logged(ListAppender<ILoggingEvent> events) {
    synchronized (events) {
      return List.copyOf(events.list);
    }
  }

  private static long counter(ProtocolAdapter adapter, String name) {
    return adapter.health().devices().get(0).counters().getOrDefault(name, 0L);
  }

  /** Waits for a condition that the adapter's own threads make true, with a generous deadline. */
  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
