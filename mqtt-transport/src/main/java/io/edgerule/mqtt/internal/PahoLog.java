package io.edgerule.mqtt.internal;

import java.text.MessageFormat;
import java.util.Arrays;
import java.util.MissingResourceException;
import java.util.ResourceBundle;
import org.eclipse.paho.client.mqttv3.logging.Logger;
import org.eclipse.paho.client.mqttv3.logging.LoggerFactory;

/**
 * Paho's log through SLF4J (logger {@code org.eclipse.paho.client.mqttv3}), in place of Paho's
 * default, java.util.logging.
 *
 * <p>Two reasons. Paho makes a logger for every token, so for every publish: its default does a
 * java.util.logging lookup each time and then formats and checks a FINE record on the publish path
 * (JSR47Logger.fine was 6 % of the uplink's JFR samples at 10,000 messages/s); here a disabled
 * level costs one level check. And java.util.logging printed Paho's warnings to standard error in
 * its own two-line format, outside the program's log levels and journald priorities.
 *
 * <p>Levels: SEVERE → error, WARNING → warn, INFO → info, CONFIG → debug, FINE to FINEST → trace.
 * Paho's messages are keys of its catalog ({@code 204} → "connect failed: rc={0}"), formatted only
 * when the level is on.
 */
public final class PahoLog implements Logger {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger("org.eclipse.paho.client.mqttv3");

  private ResourceBundle catalog;
  private String context;

  /** Paho makes one per token by reflection ({@code Class.newInstance}). */
  public PahoLog() {}

  /** Makes every Paho logger made from now on a {@code PahoLog} (Paho's setting is global). */
  public static void install() {
    LoggerFactory.setLogger(PahoLog.class.getName());
  }

  @Override
  public void initialise(ResourceBundle messageCatalog, String loggerId, String resourceName) {
    this.catalog = messageCatalog;
    this.context = resourceName;
  }

  @Override
  public void setResourceName(String logContext) {
    this.context = logContext;
  }

  @Override
  public boolean isLoggable(int level) {
    return switch (level) {
      case SEVERE -> LOG.isErrorEnabled();
      case WARNING -> LOG.isWarnEnabled();
      case INFO -> LOG.isInfoEnabled();
      case CONFIG -> LOG.isDebugEnabled();
      default -> LOG.isTraceEnabled();
    };
  }

  @Override
  public void log(
      int level,
      String sourceClass,
      String sourceMethod,
      String msg,
      Object[] inserts,
      Throwable thrown) {
    if (!isLoggable(level)) {
      return;
    }
    String text =
        (context == null ? "" : context + ": ")
            + formatMessage(msg, inserts)
            + (sourceClass == null ? "" : " (" + shortName(sourceClass) + "." + sourceMethod + ")");
    switch (level) {
      case SEVERE -> LOG.error(text, thrown);
      case WARNING -> LOG.warn(text, thrown);
      case INFO -> LOG.info(text, thrown);
      case CONFIG -> LOG.debug(text, thrown);
      default -> LOG.trace(text, thrown);
    }
  }

  @Override
  public void trace(
      int level,
      String sourceClass,
      String sourceMethod,
      String msg,
      Object[] inserts,
      Throwable ex) {
    log(FINEST, sourceClass, sourceMethod, msg, inserts, ex);
  }

  /** The catalog's text for the key {@code msg} with the inserts, or the key and the inserts. */
  @Override
  public String formatMessage(String msg, Object[] inserts) {
    if (msg == null) {
      return "";
    }
    String pattern = msg;
    if (catalog != null) {
      try {
        pattern = catalog.getString(msg);
      } catch (MissingResourceException e) {
        return inserts == null || inserts.length == 0 ? msg : msg + " " + Arrays.toString(inserts);
      }
    }
    if (inserts == null || inserts.length == 0) {
      return pattern;
    }
    try {
      return MessageFormat.format(pattern, inserts);
    } catch (IllegalArgumentException e) {
      return pattern + " " + Arrays.toString(inserts);
    }
  }

  @Override
  public void dumpTrace() {}

  private static String shortName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  @Override
  public void severe(String sourceClass, String sourceMethod, String msg) {
    log(SEVERE, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void severe(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(SEVERE, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void severe(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(SEVERE, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void warning(String sourceClass, String sourceMethod, String msg) {
    log(WARNING, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void warning(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(WARNING, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void warning(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(WARNING, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void info(String sourceClass, String sourceMethod, String msg) {
    log(INFO, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void info(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(INFO, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void info(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(INFO, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void config(String sourceClass, String sourceMethod, String msg) {
    log(CONFIG, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void config(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(CONFIG, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void config(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(CONFIG, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void fine(String sourceClass, String sourceMethod, String msg) {
    log(FINE, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void fine(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(FINE, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void fine(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(FINE, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void finer(String sourceClass, String sourceMethod, String msg) {
    log(FINER, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void finer(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(FINER, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void finer(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(FINER, sourceClass, sourceMethod, msg, inserts, thrown);
  }

  @Override
  public void finest(String sourceClass, String sourceMethod, String msg) {
    log(FINEST, sourceClass, sourceMethod, msg, null, null);
  }

  @Override
  public void finest(String sourceClass, String sourceMethod, String msg, Object[] inserts) {
    log(FINEST, sourceClass, sourceMethod, msg, inserts, null);
  }

  @Override
  public void finest(
      String sourceClass, String sourceMethod, String msg, Object[] inserts, Throwable thrown) {
    log(FINEST, sourceClass, sourceMethod, msg, inserts, thrown);
  }
}
