package io.edgerule.daemon;

import ch.qos.logback.classic.Level;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Changes a logger's level while the gateway runs (the {@code log-level} command). Works on the
 * program's logging backend, logback; the level names are logback's.
 */
public final class LogLevels {
  private LogLevels() {}

  /**
   * Sets {@code logger} ({@code "ROOT"} for the root logger) to {@code level} (TRACE, DEBUG, INFO,
   * WARN, ERROR, OFF).
   *
   * @return the logger's level before, or {@code "inherited"} when it had none of its own
   * @throws IllegalArgumentException for an unknown level
   * @throws IllegalStateException when the logging backend is not logback (an embedding program)
   */
  public static String set(String logger, String level) {
    Level wanted = Level.toLevel(level, null);
    if (wanted == null || wanted == Level.ALL) {
      throw new IllegalArgumentException(
          "unknown level '" + level + "'; one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof ch.qos.logback.classic.LoggerContext context)) {
      throw new IllegalStateException(
          "the logging backend is " + factory.getClass().getName() + ", not logback");
    }
    ch.qos.logback.classic.Logger target = context.getLogger(logger);
    Level before = target.getLevel();
    target.setLevel(wanted);
    return before == null ? "inherited" : before.toString();
  }
}
