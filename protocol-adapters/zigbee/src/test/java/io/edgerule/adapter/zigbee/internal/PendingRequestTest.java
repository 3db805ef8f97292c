package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The request the library waits on, with Digi's example frames (frame data, no framing). */
class PendingRequestTest {
  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  // Digi "AT Command" example: frame id 52, NJ
  private static final byte[] AT_NJ = bytes(0x08, 0x52, 0x4E, 0x4A);
  // Digi "Explicit Addressing Command Frame" example, frame id 01
  private static final byte[] EXPLICIT_TX =
      bytes(
          0x11, 0x01, // type, frame id
          0x00, 0x13, 0xA2, 0x00, 0x01, 0x23, 0x84, 0x00, // 64-bit destination
          0xFF, 0xFE, // 16-bit destination unknown
          0xA0, 0xA1, // endpoints
          0x15, 0x54, // cluster
          0xC1, 0x05, // profile
          0x00, 0x00, // radius, options
          0x54, 0x78, 0x44, 0x61, 0x74, 0x61); // "TxData"
  // Digi "Transmit Status" example: frame id 01 to 7D84, success
  private static final byte[] TRANSMIT_STATUS_OK = bytes(0x8B, 0x01, 0x7D, 0x84, 0x00, 0x00, 0x01);

  @Test
  void aLostAtCommandIsAnsweredWithError() {
    PendingRequest pending = new PendingRequest();
    pending.sent(AT_NJ);
    assertEquals("0x08 #82", pending.describe());
    assertArrayEquals(
        bytes(0x88, 0x52, 0x4E, 0x4A, 0x01), // AT response, id, "NJ", status ERROR
        pending.lost());
    assertNull(pending.lost(), "answered once");
  }

  @Test
  void aLostTransmitIsAnsweredWithANetworkAckFailure() {
    PendingRequest pending = new PendingRequest();
    pending.sent(EXPLICIT_TX);
    assertArrayEquals(
        bytes(
            0x8B, 0x01, // transmit status, id
            0xFF, 0xFE, // destination unknown
            0x00, // retries
            0x21, // delivery: network ACK failure
            0x00), // discovery: none
        pending.lost());
  }

  @Test
  void theDonglesOwnAnswerClearsTheRequest() {
    PendingRequest pending = new PendingRequest();
    pending.sent(EXPLICIT_TX);
    pending.received(bytes(0x88, 0x01, 0x4E, 0x4A, 0x00)); // an AT response is no answer to it
    pending.received(bytes(0x8B, 0x02, 0x7D, 0x84, 0x00, 0x00, 0x01)); // nor another frame id
    pending.received(bytes(0x8A, 0x06)); // nor a modem status
    assertEquals("0x11 #1", pending.describe());
    pending.received(TRANSMIT_STATUS_OK);
    assertEquals("", pending.describe());
    assertNull(pending.lost());
  }

  @Test
  void framesWithoutAnAnswerAreNotWaitedOn() {
    PendingRequest pending = new PendingRequest();
    pending.sent(bytes(0x08, 0x00, 0x4E, 0x4A)); // frame id 0: no response
    pending.sent(bytes(0x21, 0x01, 0x00)); // a type that is not answered with 0x88/0x8B
    assertNull(pending.lost());
  }
}
