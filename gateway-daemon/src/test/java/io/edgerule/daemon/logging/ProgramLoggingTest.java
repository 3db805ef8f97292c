package io.edgerule.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The program's logging set up in code, on a fresh logger context (not the tests' own). */
class ProgramLoggingTest {
  private static final String[] PROPERTIES = {
    ProgramLogging.PROPERTY, "logback.configurationFile", "EDGERULE_LOG_LEVEL"
  };
  private final Map<String, String> saved = new HashMap<>();

  @BeforeEach
  void saveProperties() {
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
      System.clearProperty(p);
    }
  }

  @AfterEach
  void restoreProperties() {
    saved.forEach(
        (k, v) -> {
          if (v == null) {
            System.clearProperty(k);
          } else {
            System.setProperty(k, v);
          }
        });
  }

  private static LoggerContext configured(ExecutionStatus expected) {
    LoggerContext context = new LoggerContext();
    ProgramLogging c = new ProgramLogging();
    c.setContext(context);
    assertEquals(expected, c.configure(context));
    return context;
  }

  @SuppressWarnings("unchecked")
  private static ConsoleAppender<ILoggingEvent> appender(LoggerContext context, String name) {
    return (ConsoleAppender<ILoggingEvent>)
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(name);
  }

  @Test
  void theProgramsLoggingGoesToStdoutAtInfoWithChattyLibrariesAtWarn() {
    ProgramLogging.use(ProgramLogging.Output.STDOUT);
    LoggerContext context = configured(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    assertEquals(Level.WARN, context.getLogger("io.netty").getLevel());
    assertEquals(Level.WARN, context.getLogger("com.digitalpetri").getLevel());
    assertEquals(
        Level.OFF,
        context.getLogger("org.eclipse.milo.opcua.stack.transport.client.uasc").getLevel());
    ConsoleAppender<ILoggingEvent> out = appender(context, "STDOUT");
    assertTrue(out.isStarted());
    assertEquals("System.out", out.getTarget());
    PatternLayoutEncoder encoder = assertInstanceOf(PatternLayoutEncoder.class, out.getEncoder());
    assertTrue(encoder.isStarted());
    // %journalLevel resolves (empty here: the test's output is not the journal) and the rest of
    // the line is the documented one
    LoggingEvent e =
        new LoggingEvent(
            "x",
            context.getLogger("io.edgerule.daemon.Gateway"),
            Level.WARN,
            "hi {}",
            null,
            new Object[] {"there"});
    e.setThreadName("main");
    String line = new String(encoder.encode(e), StandardCharsets.UTF_8);
    assertTrue(
        line.matches(
            "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[main\\] i\\.e\\.daemon\\.Gateway - hi there\\R"),
        line);
  }

  @Test
  void ruleTestLogsToStderrAtWarnAndTheLevelComesFromTheEnvironmentName() {
    ProgramLogging.use(ProgramLogging.Output.STDOUT);
    ProgramLogging.useStderrIfOwn();
    System.setProperty("EDGERULE_LOG_LEVEL", "debug");
    LoggerContext context = configured(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    assertEquals(Level.DEBUG, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    assertEquals("System.err", appender(context, "STDERR").getTarget());
    assertNull(appender(context, "STDOUT"));

    System.clearProperty("EDGERULE_LOG_LEVEL");
    assertEquals(Level.WARN, ProgramLogging.rootLevel(Level.WARN));
  }

  @Test
  void anOperatorsFileOrAnEmbeddingHostKeepsLogbacksOwnSearch() {
    // not asked for (tests, a program embedding the gateway): logback goes on as usual
    configured(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    ProgramLogging.useStderrIfOwn();
    assertNull(System.getProperty(ProgramLogging.PROPERTY));
    // the operator's -Dlogback.configurationFile wins
    System.setProperty("logback.configurationFile", "/etc/edgerule/logback.xml");
    ProgramLogging.use(ProgramLogging.Output.STDOUT);
    assertNull(System.getProperty(ProgramLogging.PROPERTY));
    System.setProperty(ProgramLogging.PROPERTY, "stdout");
    configured(ExecutionStatus.INVOKE_NEXT_IF_ANY);
  }
}
