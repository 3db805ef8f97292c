package io.edgerule.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The logging of the edgerule program, set up in code: one line per event on standard output (or
 * standard error for commands whose output is data), each with its journald level prefix ({@link
 * JournalLevel}), the root level from {@code EDGERULE_LOG_LEVEL}, chatty libraries at WARN.
 *
 * <p>Why in code rather than a logback XML file: reading XML costs logback its configuration
 * framework and the JDK's XML parser, about 500 classes that every gateway kept in memory for its
 * whole life, and a good part of its start-up (docs/benchmarks.md, "Reference load and soak").
 *
 * <p>logback finds this class as a {@link Configurator} service and asks it first. It configures
 * only when the program asked for it ({@link #use}: {@code edgerule}'s main methods do) and the
 * operator gave no file of their own ({@code -Dlogback.configurationFile}); otherwise it steps
 * aside and logback reads its files as usual (tests keep their {@code logback-test.xml}). Since it
 * stops logback's search when it configures, a {@code logback.xml} that a library ships (Eclipse
 * Tahu's, at TRACE) is never read.
 */
public final class ProgramLogging extends ContextAwareBase implements Configurator {
  /** The system property the program sets to have its logging configured here. */
  static final String PROPERTY = "edgerule.logging";

  /** Where the program's log lines go. */
  public enum Output {
    /** Standard output, root level INFO unless {@code EDGERULE_LOG_LEVEL} says otherwise. */
    STDOUT,
    /** Standard error, root level WARN unless {@code EDGERULE_LOG_LEVEL} says otherwise. */
    STDERR
  }

  /** Libraries that log too much at INFO (or, for Milo's handshake, at all). */
  private static final Map<String, Level> LIBRARY_LEVELS =
      Map.of(
          "io.netty", Level.WARN,
          "org.eclipse.milo", Level.WARN,
          // Milo logs every failed handshake with a stack trace; the adapter logs one sentence.
          "org.eclipse.milo.opcua.stack.transport.client.uasc", Level.OFF,
          "com.digitalpetri", Level.WARN,
          "com.zsmartsystems", Level.WARN,
          "com.hivemq", Level.WARN);

  static final String PATTERN =
      "%journalLevel%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

  /**
   * Has the program's logging set up here, unless the operator chose a logback file with {@code
   * -Dlogback.configurationFile}. Call before any logger exists.
   */
  public static void use(Output output) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty(PROPERTY, output.name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * Sends the program's log lines to standard error from now on, if they are the program's own (not
   * an embedding host's or the operator's file). Call before any logger exists.
   */
  public static void useStderrIfOwn() {
    if (Output.STDOUT.name().toLowerCase(Locale.ROOT).equals(System.getProperty(PROPERTY))) {
      use(Output.STDERR);
    }
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String wanted = System.getProperty(PROPERTY);
    if (wanted == null || System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Output output =
        "stderr".equals(wanted) ? Output.STDERR : Output.STDOUT; // any other value: the default
    // %journalLevel, registered where logback's <conversionRule> puts it
    Map<String, Supplier<DynamicConverter>> rules = new HashMap<>();
    rules.put("journalLevel", JournalLevel::new);
    context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();

    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName(output.name());
    appender.setTarget(output == Output.STDERR ? "System.err" : "System.out");
    appender.setEncoder(encoder);
    appender.start();

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel(output == Output.STDERR ? Level.WARN : Level.INFO));
    root.addAppender(appender);
    LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * {@code EDGERULE_LOG_LEVEL} as a system property or an environment variable (the property first,
   * as logback's {@code ${EDGERULE_LOG_LEVEL:-INFO}} looked it up); an unknown name gives the
   * default.
   */
  static Level rootLevel(Level dflt) {
    String v = System.getProperty("EDGERULE_LOG_LEVEL");
    if (v == null) {
      v = System.getenv("EDGERULE_LOG_LEVEL");
    }
    return v == null || v.isBlank() ? dflt : Level.toLevel(v.trim(), dflt);
  }
}
