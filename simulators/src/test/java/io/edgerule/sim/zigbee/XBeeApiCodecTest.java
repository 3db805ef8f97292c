package io.edgerule.sim.zigbee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.sim.zigbee.XBeeFrameDecoder.Result;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The published byte vectors from Digi's XBee Zigbee API reference (API mode 1, unescaped), decoded
 * field by field, plus the API mode 2 escaping rules.
 */
class XBeeApiCodecTest {

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  // Digi: "Explicit Rx Indicator" example.
  private static final byte[] EXPLICIT_RX =
      bytes(
          0x7E, // start delimiter
          0x00, 0x18, // length 24
          0x91, // frame type: explicit Rx indicator
          0x00, 0x13, 0xA2, 0x00, 0x40, 0x52, 0x2B, 0xAA, // 64-bit source 0013A20040522BAA
          0x7D, 0x84, // 16-bit source 7D84 (API mode 1: not escaped)
          0xE0, // source endpoint
          0xE0, // destination endpoint
          0x22, 0x11, // cluster id
          0xC1, 0x05, // profile id
          0x02, // receive options: broadcast
          0x52, 0x78, 0x44, 0x61, 0x74, 0x61, // data "RxData"
          0x52); // checksum

  // Digi: "Modem Status" example: coordinator started.
  private static final byte[] MODEM_STATUS = bytes(0x7E, 0x00, 0x02, 0x8A, 0x06, 0x6F);

  // Digi: "AT Command Response" example: BD (baud rate) set OK.
  private static final byte[] AT_RESPONSE =
      bytes(
          0x7E, 0x00, 0x05, // length 5
          0x88, // AT command response
          0x01, // frame id
          0x42, 0x44, // "BD"
          0x00, // status OK
          0xF0); // checksum

  private static XBeeFrame decodeOne(byte[] wire, boolean escaped) {
    List<Result> results = new XBeeFrameDecoder(escaped).feed(wire);
    assertEquals(1, results.size(), "one frame expected: " + results);
    Result.Frame frame = assertInstanceOf(Result.Frame.class, results.get(0));
    return XBeeFrame.parse(frame.frameData());
  }

  @Test
  void decodesDigiExplicitRxIndicator() {
    var rx = assertInstanceOf(XBeeFrame.ExplicitRxIndicator.class, decodeOne(EXPLICIT_RX, false));
    assertEquals(0x0013A20040522BAAL, rx.source64());
    assertEquals(0x7D84, rx.source16());
    assertEquals(0xE0, rx.sourceEndpoint());
    assertEquals(0xE0, rx.destinationEndpoint());
    assertEquals(0x2211, rx.clusterId());
    assertEquals(0xC105, rx.profileId());
    assertEquals(0x02, rx.options());
    assertEquals("RxData", new String(rx.payload(), StandardCharsets.US_ASCII));
    assertArrayEquals(EXPLICIT_RX, XBeeApiCodec.encode(rx.frameData(), false), "round trip");
  }

  @Test
  void apiMode2EscapesTheSameFrame() {
    var rx = (XBeeFrame.ExplicitRxIndicator) decodeOne(EXPLICIT_RX, false);
    byte[] escaped = XBeeApiCodec.encode(rx.frameData(), true);
    // three bytes need escaping: 13 (in 0013A2..) -> 7D 33, 7D (in 7D84) -> 7D 5D, 11 (cluster) ->
    // 7D 31
    assertArrayEquals(
        bytes(
            0x7E, 0x00, 0x18, 0x91, 0x00, 0x7D, 0x33, 0xA2, 0x00, 0x40, 0x52, 0x2B, 0xAA, 0x7D,
            0x5D, 0x84, 0xE0, 0xE0, 0x22, 0x7D, 0x31, 0xC1, 0x05, 0x02, 0x52, 0x78, 0x44, 0x61,
            0x74, 0x61, 0x52),
        escaped);
    var again = (XBeeFrame.ExplicitRxIndicator) decodeOne(escaped, true);
    assertEquals(0x7D84, again.source16());
  }

  @Test
  void decodesDigiModemStatus() {
    var status = assertInstanceOf(XBeeFrame.ModemStatus.class, decodeOne(MODEM_STATUS, true));
    assertEquals(XBeeFrame.ModemStatus.COORDINATOR_STARTED, status.status());
    assertArrayEquals(MODEM_STATUS, XBeeApiCodec.encode(status.frameData(), true));
  }

  @Test
  void decodesDigiAtResponse() {
    var at = assertInstanceOf(XBeeFrame.AtResponse.class, decodeOne(AT_RESPONSE, true));
    assertEquals(1, at.frameId());
    assertEquals("BD", at.command());
    assertEquals(XBeeFrame.AtResponse.OK, at.status());
    assertEquals(0, at.data().length);
    assertArrayEquals(AT_RESPONSE, XBeeApiCodec.encode(at.frameData(), true));
  }

  @Test
  void escapesAllFourSpecialBytesIncludingLengthAndChecksum() {
    byte[] frameData = bytes(0x11, 0x7E, 0x7D, 0x11, 0x13, 0x00);
    byte[] wire = XBeeApiCodec.encode(frameData, true);
    // after the start delimiter no raw 7E/7D/11/13 may appear except as escape prefixes
    for (int i = 1; i < wire.length; i++) {
      int b = wire[i] & 0xFF;
      if (b == 0x7D) {
        i++; // the escaped byte follows
        continue;
      }
      assertEquals(false, XBeeApiCodec.needsEscape(b), "unescaped special byte at " + i);
    }
    var decoded = new XBeeFrameDecoder(true).feed(wire);
    assertArrayEquals(frameData, ((Result.Frame) decoded.get(0)).frameData());
  }

  @Test
  void badChecksumIsAValueAndTheNextFrameStillDecodes() {
    byte[] corrupt = MODEM_STATUS.clone();
    corrupt[corrupt.length - 1] = 0x70;
    XBeeFrameDecoder decoder = new XBeeFrameDecoder(true);
    List<Result> first = decoder.feed(corrupt);
    var bad = assertInstanceOf(Result.BadChecksum.class, first.get(0));
    assertEquals(0x6F, bad.expected());
    assertEquals(0x70, bad.received());
    assertInstanceOf(Result.Frame.class, decoder.feed(AT_RESPONSE).get(0));
  }

  @Test
  void truncatedFrameIsReportedWhenTheNextStartArrives() {
    XBeeFrameDecoder decoder = new XBeeFrameDecoder(true);
    byte[] firstHalf = java.util.Arrays.copyOf(EXPLICIT_RX, 10);
    assertEquals(List.of(), decoder.feed(firstHalf));
    List<Result> results = decoder.feed(MODEM_STATUS);
    assertEquals(2, results.size());
    var truncated = assertInstanceOf(Result.Truncated.class, results.get(0));
    assertEquals(24, truncated.declaredLength());
    assertEquals(7, truncated.receivedLength());
    assertInstanceOf(Result.Frame.class, results.get(1));
  }

  @Test
  void zeroLengthIsRejectedAndNoiseBeforeAFrameIsIgnored() {
    XBeeFrameDecoder decoder = new XBeeFrameDecoder(true);
    var results = decoder.feed(bytes(0x00, 0x42, 0x7E, 0x00, 0x00));
    assertInstanceOf(Result.BadLength.class, results.get(0));
    assertInstanceOf(Result.Frame.class, decoder.feed(MODEM_STATUS).get(0));
  }

  @Test
  void shortFrameNamesTheMissingField() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> XBeeFrame.parse(bytes(0x91, 0x00, 0x13)));
    assertEquals(
        "malformed 0x91 frame: too short for 64-bit source: needs 8 byte(s) at offset 1, has 2",
        e.getMessage());
  }
}
