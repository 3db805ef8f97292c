package io.edgerule.adapter.modbus.internal.rtu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilResponse;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import io.edgerule.adapter.modbus.Parity;
import io.edgerule.adapter.modbus.internal.RequestFailure;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RTU frames, CRC and timing against published byte vectors (src/test/resources/vectors). */
class RtuFramesTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  record Vector(String source, String meaning, byte[] frame) {}

  static List<Vector> vectors() throws Exception {
    List<Vector> out = new ArrayList<>();
    try (var in =
        new BufferedReader(
            new InputStreamReader(
                RtuFramesTest.class.getResourceAsStream("/vectors/rtu-frames.csv"),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\\|");
        out.add(new Vector(f[0].trim(), f[1].trim(), HEX.parseHex(f[2].trim())));
      }
    }
    return out;
  }

  static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  @Test
  void crcOfThePublishedFrames() throws Exception {
    List<Vector> vectors = vectors();
    assertEquals(6, vectors.size());
    for (Vector v : vectors) {
      assertTrue(RtuCrc.matches(v.frame(), 0, v.frame().length), v.meaning());
      for (int bit = 0; bit < 8 * v.frame().length; bit++) {
        byte[] flipped = v.frame().clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        assertFalse(RtuCrc.matches(flipped, 0, flipped.length), v.meaning() + " bit " + bit);
      }
    }
    // the CRC-16/MODBUS check value
    assertEquals(0x4B37, RtuCrc.of("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
  }

  @Test
  void responseLengthFromTheFirstBytes() throws Exception {
    for (Vector v : vectors()) {
      byte[] f = v.frame();
      if (v.meaning().startsWith("read") && !v.meaning().startsWith("response")) {
        continue; // requests of FC03 are not responses (their third byte is no byte count)
      }
      assertEquals(f.length, RtuFrames.responseLength(f, 0, f.length), v.meaning());
    }
    assertEquals(RtuFrames.NEED_MORE, RtuFrames.responseLength(hex("11"), 0, 1));
    assertEquals(RtuFrames.NEED_MORE, RtuFrames.responseLength(hex("11 03"), 0, 2));
    assertEquals(11, RtuFrames.responseLength(hex("11 03 06"), 0, 3));
    assertEquals(5, RtuFrames.responseLength(hex("01 83"), 0, 2));
    assertEquals(RtuFrames.UNKNOWN, RtuFrames.responseLength(hex("01 2B 0E"), 0, 3));
    assertEquals(RtuFrames.UNKNOWN, RtuFrames.responseLength(hex("01 80 00"), 0, 3));
  }

  @Test
  void requestFramesMatchThePublishedOnes() {
    assertArrayEquals(
        hex("11 03 00 6B 00 03 76 87"),
        RtuFrames.request(0x11, new ReadHoldingRegistersRequest(0x6B, 3)));
    assertArrayEquals(
        hex("11 05 00 AC FF 00 4E 8B"),
        RtuFrames.request(0x11, new WriteSingleCoilRequest(0xAC, 0xFF00)));
    assertArrayEquals(
        hex("11 06 00 01 00 03 9A 9B"),
        RtuFrames.request(0x11, new WriteSingleRegisterRequest(1, 3)));
    assertArrayEquals(
        hex("01 03 00 00 00 0A C5 CD"),
        RtuFrames.request(1, new ReadHoldingRegistersRequest(0, 10)));
  }

  @Test
  void decodesAReadResponse() throws Exception {
    byte[] frame = hex("11 03 06 AE 41 56 52 43 40 49 AD");
    var response = (ReadHoldingRegistersResponse) RtuFrames.decode(frame, 0, frame.length);
    assertArrayEquals(hex("AE 41 56 52 43 40"), response.registers());
  }

  /**
   * The frame pymodbus sends for an unmapped address. digitalpetri's 2.1.4 RTU client reports it as
   * exception 0xFFFFFF83 (see LibraryDefectsTest); decoded here from the raw frame it is 02.
   */
  @Test
  void decodesAnExceptionResponseWithItsRealCode() {
    byte[] frame =
        new byte[] {
          0x01, // unit 1
          (byte) 0x83, // function code 03 + 0x80: exception
          0x02, // exception code 02 ILLEGAL_DATA_ADDRESS
          (byte) 0xC0, // CRC low
          (byte) 0xF1 // CRC high
        };
    var e = assertThrows(ModbusResponseException.class, () -> RtuFrames.decode(frame, 0, 5));
    assertEquals(3, e.getFunctionCode());
    assertEquals(2, e.getExceptionCode());
    var failure = RequestFailure.classify(e, Duration.ofSeconds(1), "bus");
    assertEquals("exception 02 ILLEGAL_DATA_ADDRESS", failure.reason());
  }

  @Test
  void decodeRejectsGarbageWithAMessage() {
    byte[] frame = hex("01 2B 00 00 00");
    var e = assertThrows(IllegalArgumentException.class, () -> RtuFrames.decode(frame, 0, 5));
    assertTrue(e.getMessage().contains("function code 2B"), e.getMessage());
  }

  @Test
  void mismatchedAnswersAreNamed() {
    assertNull(
        RtuFrames.mismatch(
            new ReadHoldingRegistersRequest(0, 3), new ReadHoldingRegistersResponse(new byte[6])));
    assertEquals(
        "4 data bytes where 6 were asked for",
        RtuFrames.mismatch(
            new ReadHoldingRegistersRequest(0, 3), new ReadHoldingRegistersResponse(new byte[4])));
    assertEquals(
        "function code 03 answers a request with 01",
        RtuFrames.mismatch(
            new ReadCoilsRequest(0, 3), new ReadHoldingRegistersResponse(new byte[2])));
    assertNull(
        RtuFrames.mismatch(
            new WriteSingleCoilRequest(4, 0xFF00), new WriteSingleCoilResponse(4, 0xFF00)));
    assertTrue(
        RtuFrames.mismatch(
                new WriteSingleCoilRequest(4, 0xFF00), new WriteSingleCoilResponse(5, 0xFF00))
            .startsWith("write echo"));
    assertTrue(
        RtuFrames.mismatch(
                new WriteMultipleRegistersRequest(10, 2, new byte[4]),
                new WriteMultipleRegistersResponse(10, 1))
            .startsWith("write echo"));
  }

  @Test
  void expectedResponseLengths() {
    assertEquals(5 + 20, RtuFrames.expectedResponseLength(new ReadHoldingRegistersRequest(0, 10)));
    assertEquals(5 + 2, RtuFrames.expectedResponseLength(new ReadCoilsRequest(0, 9)));
    assertEquals(8, RtuFrames.expectedResponseLength(new WriteSingleRegisterRequest(0, 1)));
  }

  @Test
  void timingFromTheSerialLineSpecification() {
    // 9600 8E1: 11 bits per character = 1.1458 ms; 3.5 characters = 4.01 ms
    assertEquals(1_145_833, RtuTiming.characterNanos(9600, 8, Parity.EVEN, 1));
    assertEquals(Duration.ofNanos(4_010_416), RtuTiming.interFrameGap(9600, 8, Parity.EVEN, 1));
    // 19200 8N1: 10 bits = 0.52 ms; gap 1.82 ms (still computed at 19200)
    assertEquals(Duration.ofNanos(1_822_916), RtuTiming.interFrameGap(19200, 8, Parity.NONE, 1));
    // above 19200 the gap is fixed at 1.75 ms
    assertEquals(Duration.ofNanos(1_750_000), RtuTiming.interFrameGap(115200, 8, Parity.NONE, 1));
    assertEquals(12, RtuTiming.bitsPerCharacter(8, Parity.ODD, 2));
  }
}
