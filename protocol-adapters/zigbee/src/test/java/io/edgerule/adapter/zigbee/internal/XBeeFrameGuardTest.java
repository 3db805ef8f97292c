package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame guard against Digi's published XBee API frames, written in API mode 2 (escaped), and
 * the faults it must contain.
 */
class XBeeFrameGuardTest {
  private final List<byte[]> frames = new ArrayList<>();
  private final List<String> drops = new ArrayList<>();
  private final XBeeFrameGuard guard =
      new XBeeFrameGuard(
          new XBeeFrameGuard.Listener() {
            @Override
            public void frame(byte[] frameData) {
              frames.add(frameData);
            }

            @Override
            public void dropped(XBeeFrameGuard.Drop kind, String reason) {
              drops.add(kind + ": " + reason);
            }
          });

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  // Digi "Explicit Rx Indicator" example, escaped for API mode 2 (13 -> 7D 33, 7D -> 7D 5D,
  // 11 -> 7D 31).
  private static final byte[] EXPLICIT_RX_ESCAPED =
      bytes(
          0x7E, 0x00, 0x18, // start, length 24
          0x91, // explicit Rx indicator
          0x00, 0x7D, 0x33, 0xA2, 0x00, 0x40, 0x52, 0x2B, 0xAA, // 64-bit source 0013A20040522BAA
          0x7D, 0x5D, 0x84, // 16-bit source 7D84
          0xE0, 0xE0, // endpoints
          0x22, 0x7D, 0x31, // cluster 2211
          0xC1, 0x05, // profile C105
          0x02, // options: broadcast
          0x52, 0x78, 0x44, 0x61, 0x74, 0x61, // "RxData"
          0x52); // checksum
  private static final byte[] EXPLICIT_RX_DATA =
      bytes(
          0x91, 0x00, 0x13, 0xA2, 0x00, 0x40, 0x52, 0x2B, 0xAA, 0x7D, 0x84, 0xE0, 0xE0, 0x22, 0x11,
          0xC1, 0x05, 0x02, 0x52, 0x78, 0x44, 0x61, 0x74, 0x61);
  // Digi "Modem Status" example: coordinator started.
  private static final byte[] MODEM_STATUS = bytes(0x7E, 0x00, 0x02, 0x8A, 0x06, 0x6F);
  // Digi "AT Command Response" example: BD OK.
  private static final byte[] AT_RESPONSE =
      bytes(0x7E, 0x00, 0x05, 0x88, 0x01, 0x42, 0x44, 0x00, 0xF0);

  private void feed(byte[] wire) {
    guard.feed(wire, 0, wire.length);
  }

  @Test
  void passesDigiFramesAndFramesThemAgainIdentically() {
    feed(EXPLICIT_RX_ESCAPED);
    feed(MODEM_STATUS);
    feed(AT_RESPONSE);
    assertEquals(List.of(), drops);
    assertEquals(3, frames.size());
    assertArrayEquals(EXPLICIT_RX_DATA, frames.get(0));
    assertArrayEquals(bytes(0x8A, 0x06), frames.get(1));
    assertArrayEquals(bytes(0x88, 0x01, 0x42, 0x44, 0x00), frames.get(2));
    assertArrayEquals(EXPLICIT_RX_ESCAPED, XBeeFrameGuard.encode(frames.get(0)));
    assertArrayEquals(MODEM_STATUS, XBeeFrameGuard.encode(frames.get(1)));
    assertArrayEquals(AT_RESPONSE, XBeeFrameGuard.encode(frames.get(2)));
  }

  @Test
  void dropsABadChecksumAndKeepsTheNextFrame() {
    byte[] corrupt = MODEM_STATUS.clone();
    corrupt[5] = 0x6E;
    feed(corrupt);
    feed(AT_RESPONSE);
    assertEquals(
        List.of("CHECKSUM_ERROR: checksum 6E, expected 6F, on a frame of type 8A (2 bytes)"),
        drops);
    assertEquals(1, frames.size());
    assertArrayEquals(bytes(0x88, 0x01, 0x42, 0x44, 0x00), frames.get(0));
  }

  @Test
  void aTruncatedFrameDoesNotSwallowTheFrameAfterIt() {
    feed(java.util.Arrays.copyOf(EXPLICIT_RX_ESCAPED, 14)); // cut inside the 16-bit address
    feed(MODEM_STATUS);
    assertEquals(
        List.of("TRUNCATED_FRAME: truncated frame: 9 of 24 data bytes before the next start"),
        drops);
    assertEquals(1, frames.size());
    assertArrayEquals(bytes(0x8A, 0x06), frames.get(0));
  }

  @Test
  void ignoresNoiseAndRejectsImpossibleLengths() {
    feed(bytes(0x00, 0xFF, 0x13)); // line noise before any frame
    feed(bytes(0x7E, 0x7D, 0x31, 0x00)); // length 0x1100: more than any XBee frame
    feed(MODEM_STATUS);
    assertEquals(List.of("BAD_LENGTH: frame length 4352 out of range"), drops);
    assertEquals(1, frames.size());
  }
}
