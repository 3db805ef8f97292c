package io.edgerule.adapter.zigbee;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.zigbee.ZigbeeCoordinatorConfig.Dongle;
import io.edgerule.adapter.zigbee.ZigbeeCoordinatorConfig.FlowControl;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Defaults and the error messages of the coordinator config (each names its field). */
class ZigbeeCoordinatorConfigTest {

  private static ZigbeeCoordinatorConfig with(
      String port, Integer channel, String key, Map<String, String> devices, Duration max) {
    return new ZigbeeCoordinatorConfig(
        "zigbee", port, null, null, null, channel, null, null, key, null, devices, null, max, null,
        null);
  }

  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void defaults() {
    ZigbeeCoordinatorConfig c = ZigbeeCoordinatorConfig.of("zigbee", "/dev/ttyUSB0");
    assertEquals(9600, c.baud());
    assertEquals(FlowControl.NONE, c.flowControl());
    assertEquals(Dongle.XBEE, c.dongle());
    assertEquals(null, c.channel());
    assertEquals("generate", c.panId());
    assertEquals("generate", c.extendedPanId());
    assertEquals("generate", c.networkKey());
    assertEquals(Duration.ZERO, c.permitJoin());
    assertEquals(Map.of(), c.devices());
    assertEquals(Duration.ofSeconds(1), c.reportMinInterval());
    assertEquals(Duration.ofMinutes(5), c.reportMaxInterval());
    assertEquals(Duration.ofMinutes(11), c.offlineAfter());
    assertEquals(Duration.ofSeconds(10), c.commandTimeout());
    assertEquals(false, c.isTcp());
  }

  @Test
  void tcpPortsAreParsed() {
    ZigbeeCoordinatorConfig c = ZigbeeCoordinatorConfig.of("zigbee", "tcp://192.168.1.20:6638");
    assertTrue(c.isTcp());
    assertEquals(Map.entry("192.168.1.20", 6638), ZigbeeCoordinatorConfig.tcpAddress(c.port()));
    assertEquals(
        "port: 'tcp://gateway' is not a valid tcp://host:port address",
        error(() -> ZigbeeCoordinatorConfig.of("zigbee", "tcp://gateway")));
  }

  @Test
  void deviceAddressesAreNormalisedAndNamesChecked() {
    ZigbeeCoordinatorConfig c =
        with("/dev/ttyUSB0", null, null, Map.of("00:12:4B:00:01:AB:CD:01", "kitchen_sensor"), null);
    assertEquals(Map.of("00124b0001abcd01", "kitchen_sensor"), c.devices());
    assertEquals(
        Map.of("000124b0001abcd0", "short"),
        with("/dev/ttyUSB0", null, null, Map.of("124b0001abcd0", "short"), null).devices(),
        "fewer than 16 digits are left-padded");
    assertEquals(
        "devices: 'kitchen' is not an IEEE address (up to 16 hex digits)",
        error(() -> with("/dev/ttyUSB0", null, null, Map.of("kitchen", "x"), null)));
    assertTrue(
        error(() -> with("/dev/ttyUSB0", null, null, Map.of("01", "a/b"), null))
            .startsWith("devices.01: invalid device name 'a/b'"));
    assertEquals(
        "devices.01: 'zigbee' is the coordinator's own name",
        error(() -> with("/dev/ttyUSB0", null, null, Map.of("01", "zigbee"), null)));
    assertEquals(
        "devices: the name 'lamp' is given to two devices",
        error(
            () ->
                with(
                    "/dev/ttyUSB0",
                    null,
                    null,
                    new java.util.TreeMap<>(Map.of("01", "lamp", "02", "lamp")),
                    null)));
  }

  @Test
  void rejectsWhatTheDongleCannotDo() {
    assertEquals(
        "channel: must be 11..26 (2.4 GHz), got 27",
        error(() -> with("/dev/ttyUSB0", 27, null, null, null)));
    assertEquals(
        "network_key: expected 'generate' or 32 hex digits, got '1234'",
        error(() -> with("/dev/ttyUSB0", null, "1234", null, null)));
    assertTrue(
        error(() -> with("/dev/ttyUSB0", null, "00112233445566778899aabbccddeeff", null, null))
            .startsWith("network_key: an XBee coordinator chooses its own network identity"));
    assertTrue(
        error(() -> with("/dev/ttyUSB0", null, null, null, Duration.ofMillis(1500)))
            .startsWith("report_max_interval: must be whole seconds"));
    assertEquals(
        "name: required (the prefix of the coordinator's points)",
        error(() -> ZigbeeCoordinatorConfig.of(" ", "/dev/ttyUSB0")));
  }
}
