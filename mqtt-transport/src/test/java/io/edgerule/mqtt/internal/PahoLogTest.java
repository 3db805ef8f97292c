package io.edgerule.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.eclipse.paho.client.mqttv3.logging.Logger;
import org.eclipse.paho.client.mqttv3.logging.LoggerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PahoLogTest {
  private final ch.qos.logback.classic.Logger paho =
      (ch.qos.logback.classic.Logger)
          org.slf4j.LoggerFactory.getLogger("org.eclipse.paho.client.mqttv3");
  private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
  private Level before;

  @BeforeEach
  void listen() {
    before = paho.getLevel();
    paho.setLevel(Level.INFO);
    seen.start();
    paho.addAppender(seen);
  }

  @AfterEach
  void stop() {
    paho.detachAppender(seen);
    paho.setLevel(before);
  }

  @Test
  void theTransportMakesEveryPahoLoggerOursAndPahosCatalogTextReachesSlf4j() throws Exception {
    Class.forName("io.edgerule.mqtt.MqttTransport"); // its static initialiser installs PahoLog
    Logger logger = LoggerFactory.getLogger(LoggerFactory.MQTT_CLIENT_MSG_CAT, "test");
    assertInstanceOf(PahoLog.class, logger);
    logger.setResourceName("gw-1");

    logger.warning(
        "org.eclipse.paho.client.mqttv3.internal.ClientComms", "connect", "204", new Object[] {5});
    logger.fine(
        "org.eclipse.paho.client.mqttv3.internal.ClientState", "send", "204", new Object[] {6});

    assertEquals(1, seen.list.size(), "FINE is below the logger's INFO: " + seen.list);
    ILoggingEvent e = seen.list.get(0);
    assertEquals(Level.WARN, e.getLevel());
    assertEquals("gw-1: connect failed: rc=5 (ClientComms.connect)", e.getFormattedMessage());
  }

  @Test
  void levelsFollowTheSlf4jLoggerAndUnknownKeysKeepTheirInserts() {
    PahoLog log = new PahoLog();
    log.initialise(
        java.util.ResourceBundle.getBundle(LoggerFactory.MQTT_CLIENT_MSG_CAT), "test", null);
    assertTrue(log.isLoggable(Logger.SEVERE));
    assertTrue(log.isLoggable(Logger.INFO));
    assertFalse(log.isLoggable(Logger.CONFIG));
    assertFalse(log.isLoggable(Logger.FINEST));
    paho.setLevel(Level.TRACE);
    assertTrue(log.isLoggable(Logger.FINEST));

    log.severe("C", "m", "no such key", new Object[] {"a", 1}, new IllegalStateException("x"));
    ILoggingEvent e = seen.list.get(seen.list.size() - 1);
    assertEquals(Level.ERROR, e.getLevel());
    assertEquals("no such key [a, 1] (C.m)", e.getFormattedMessage());
    assertEquals("x", e.getThrowableProxy().getMessage());
  }
}
