package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Transmit requests matched with the dongle's transmit status, frame by frame (Digi layouts). */
class DeliveryLogTest {
  private static final long LIGHT = 0x00124B0001ABCD04L;
  private static final int LIGHT_NWK = 0x7D84;

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** 0x11 explicit transmit request, frame id {@code id}, to the light (ZCL On/Off). */
  private static byte[] transmit(int id, long ieee, int nwk) {
    byte[] f =
        bytes(
            0x11,
            id, // type, frame id
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0, // 64-bit destination (filled below)
            nwk >> 8,
            nwk & 0xFF, // 16-bit destination
            0x01,
            0x01, // source, destination endpoint
            0x00,
            0x06,
            0x01,
            0x04, // cluster on/off, profile home automation
            0x00,
            0x00, // radius, options
            0x01,
            0x21,
            0x01); // ZCL: cluster specific, sequence 0x21, On
    for (int i = 0; i < 8; i++) {
      f[2 + i] = (byte) (ieee >>> (56 - 8 * i));
    }
    return f;
  }

  /**
   * 0x8B transmit status: frame id, 16-bit destination FFFD (unknown), retries, status, discovery.
   */
  private static byte[] status(int id, int delivery) {
    return bytes(0x8B, id, 0xFF, 0xFD, 0x00, delivery, 0x00);
  }

  @Test
  void aFailedDeliveryIsNamedForItsDestination() {
    DeliveryLog log = new DeliveryLog();
    long mark = log.mark();
    log.sent(transmit(5, LIGHT, LIGHT_NWK));
    log.received(status(5, 0x21));
    assertEquals(
        Optional.of("NETWORK_ACK_FAILURE (0x21)"), log.failureSince(mark, LIGHT, LIGHT_NWK));
    assertEquals(Optional.empty(), log.failureSince(mark, 0x1122334455667788L, 0x1234));
    assertEquals(Optional.empty(), log.failureSince(log.mark(), LIGHT, LIGHT_NWK), "before mark");
  }

  @Test
  void theLibraryMayAddressByNetworkAddressOnly() {
    DeliveryLog log = new DeliveryLog();
    long mark = log.mark();
    log.sent(transmit(7, 0xFFFFFFFFFFFFFFFFL, LIGHT_NWK)); // IEEE unknown to the library
    log.received(status(7, 0x24));
    assertEquals(Optional.of("ADDRESS_NOT_FOUND (0x24)"), log.failureSince(mark, LIGHT, LIGHT_NWK));
  }

  @Test
  void successUnknownFrameIdsAndOtherFramesAreNotFailures() {
    DeliveryLog log = new DeliveryLog();
    long mark = log.mark();
    log.sent(transmit(8, LIGHT, LIGHT_NWK));
    log.received(status(8, 0x00));
    log.received(status(9, 0x21)); // never sent (or made up by our port for a lost line)
    log.received(bytes(0x8A, 0x06)); // modem status
    log.sent(bytes(0x08, 0x0A, 'F', 'R')); // AT command
    log.sent(transmit(0, LIGHT, LIGHT_NWK)); // frame id 0: no status will come
    log.received(status(0, 0x21));
    assertEquals(Optional.empty(), log.failureSince(mark, LIGHT, LIGHT_NWK));
  }

  @Test
  void unnamedStatusesKeepTheirCode() {
    assertEquals("delivery status (0x99)", DeliveryLog.describe(0x99));
    assertEquals("ROUTE_NOT_FOUND (0x25)", DeliveryLog.describe(0x25));
  }
}
