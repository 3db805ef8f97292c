package io.edgerule.adapter.modbus.internal.rtu;

import static io.edgerule.adapter.modbus.internal.rtu.FuzzFrames.randomBytes;
import static io.edgerule.adapter.modbus.internal.rtu.FuzzFrames.withCrc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import io.edgerule.adapter.modbus.internal.RequestFailure;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes against the pure RTU frame functions: random and truncated frames, wrong CRCs, byte
 * counts that promise more than there is, exception responses with odd codes, and requests with
 * values that do not fit in a frame. Each case names its seed and bytes in hex.
 */
class RtuFramesFuzzTest {
  private static final long SEED = 0x5EED_0001L;
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

  private static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  @Test
  void responseLengthOfRandomBytesIsAVerdictOrALengthThatFitsAFrame() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 20_000; n++) {
      byte[] buf = randomBytes(r, r.nextInt(6));
      int start = buf.length == 0 ? 0 : r.nextInt(buf.length + 1);
      int length = RtuFrames.responseLength(buf, start, buf.length);
      String where = "seed " + SEED + " case " + n + ": " + hex(buf) + " from " + start;
      assertTrue(
          length == RtuFrames.NEED_MORE
              || length == RtuFrames.UNKNOWN
              || (length >= 5 && length <= 5 + 255),
          where + " gave " + length);
      if (buf.length - start >= 3) {
        assertTrue(length != RtuFrames.NEED_MORE, where + ": three bytes always tell");
      }
    }
  }

  @Test
  void aRangeOutsideTheBufferIsRefusedWithAMessage() {
    byte[] buf = RtuFramesTest.hex("01 03 02 00 2A 39 9B");
    int[][] ranges = {{0, 8}, {-1, 3}, {5, 4}, {Integer.MAX_VALUE, 2}, {0, Integer.MIN_VALUE}};
    for (int[] range : ranges) {
      String where = "range " + Arrays.toString(range) + " of " + hex(buf);
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> RtuFrames.responseLength(buf, range[0], range[1]),
              where);
      assertFalse(e.getMessage().isBlank(), where);
      var d =
          assertThrows(
              IllegalArgumentException.class,
              () -> RtuFrames.decode(buf, range[0], range[1] - range[0]),
              where);
      assertFalse(d.getMessage().isBlank(), where);
      assertThrows(
          IllegalArgumentException.class,
          () -> RtuCrc.matches(buf, range[0], range[1] - range[0]),
          where);
    }
  }

  /** Random frames, half of them with a valid CRC: a PDU, the exception response, or IAE. */
  @Test
  void decodingRandomFramesGivesAPduOrANamedError() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    int decoded = 0;
    for (int n = 0; n < 20_000; n++) {
      byte[] body = randomBytes(r, r.nextInt(2, 40));
      if (r.nextBoolean()) {
        body[1] = (byte) new int[] {1, 2, 3, 4, 5, 6, 15, 16, 0x17, 0x83}[r.nextInt(10)];
      }
      if (r.nextInt(3) == 0 && body.length > 2) {
        body[2] = (byte) Math.max(0, body.length - 3 + r.nextInt(-2, 3)); // near-right byte count
      }
      byte[] frame = r.nextBoolean() ? withCrc(body) : body;
      String where = "seed " + (SEED + 1) + " case " + n + ": " + hex(frame);
      try {
        ModbusResponsePdu pdu = RtuFrames.decode(frame, 0, frame.length);
        assertNotNull(pdu, where);
        assertEquals(frame[1] & 0xFF, pdu.getFunctionCode(), where);
        decoded++;
      } catch (ModbusResponseException e) {
        assertTrue((frame[1] & 0x80) != 0, where + ": exception for a normal function code");
        assertEquals(frame[1] & 0x7F, e.getFunctionCode(), where);
        assertEquals(frame[2] & 0xFF, e.getExceptionCode(), where);
      } catch (IllegalArgumentException e) {
        assertMessage(e, where);
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
      }
    }
    assertTrue(decoded > 100, "too few frames decoded (" + decoded + "): the generator is off");
  }

  /** A frame whose length does not match its own byte count is refused, not half-decoded. */
  @Test
  void aByteCountThatDisagreesWithTheFrameIsNamed() {
    byte[] promisesMore = withCrc(RtuFramesTest.hex("01 03 FF 00 2A"));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RtuFrames.decode(promisesMore, 0, promisesMore.length),
            hex(promisesMore));
    assertMessage(e, hex(promisesMore));
    assertTrue(e.getMessage().contains("255"), e.getMessage());

    byte[] promisesLess = withCrc(RtuFramesTest.hex("01 03 02 00 2A 00 2B"));
    var f =
        assertThrows(
            IllegalArgumentException.class,
            () -> RtuFrames.decode(promisesLess, 0, promisesLess.length),
            hex(promisesLess));
    assertMessage(f, hex(promisesLess));
  }

  @Test
  void everyExceptionCodeOfEveryFunctionCodeIsDecodedAsSent() throws Exception {
    for (int fc = 0x81; fc <= 0xFF; fc++) {
      for (int code = 0; code <= 0xFF; code += 0x11) {
        byte[] frame = withCrc(new byte[] {1, (byte) fc, (byte) code});
        String where = hex(frame);
        assertEquals(5, RtuFrames.responseLength(frame, 0, frame.length), where);
        ModbusResponseException e =
            assertThrows(ModbusResponseException.class, () -> RtuFrames.decode(frame, 0, 5), where);
        assertEquals(fc & 0x7F, e.getFunctionCode(), where);
        assertEquals(code, e.getExceptionCode(), where);
        String reason = RequestFailure.classify(e, Duration.ofSeconds(1), "bus").reason();
        assertTrue(reason.startsWith("exception %02X ".formatted(code)), where + ": " + reason);
      }
    }
  }

  @Test
  void readResponsesOfEveryByteCountRoundTrip() throws Exception {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    for (int count = 0; count <= 250; count += 2) {
      byte[] data = randomBytes(r, count);
      byte[] body = new byte[3 + count];
      body[0] = 7;
      body[1] = 3;
      body[2] = (byte) count;
      System.arraycopy(data, 0, body, 3, count);
      byte[] frame = withCrc(body);
      assertEquals(frame.length, RtuFrames.responseLength(frame, 0, 3), hex(frame));
      var pdu = (ReadHoldingRegistersResponse) RtuFrames.decode(frame, 0, frame.length);
      assertArrayEquals(data, pdu.registers(), hex(frame));
    }
  }

  /** A request either goes on the wire as asked (CRC and all) or is refused: never truncated. */
  @Test
  void requestsWithHostileNumbersAreRefusedNotTruncated() {
    SplittableRandom r = new SplittableRandom(SEED + 3);
    int[] hostile = {
      -1, 0, 1, 125, 126, 2000, 2001, 0xFF00, 0xFFFF, 0x10000, Short.MIN_VALUE, Integer.MIN_VALUE
    };
    for (int n = 0; n < 5_000; n++) {
      int unit = r.nextBoolean() ? hostile[r.nextInt(hostile.length)] : r.nextInt(256);
      int address = r.nextBoolean() ? hostile[r.nextInt(hostile.length)] : r.nextInt(65536);
      int quantity = r.nextBoolean() ? hostile[r.nextInt(hostile.length)] : r.nextInt(1, 126);
      ModbusRequestPdu pdu =
          switch (r.nextInt(6)) {
            case 0 -> new ReadCoilsRequest(address, quantity);
            case 1 -> new ReadDiscreteInputsRequest(address, quantity);
            case 2 -> new ReadHoldingRegistersRequest(address, quantity);
            case 3 -> new ReadInputRegistersRequest(address, quantity);
            case 4 -> new WriteSingleRegisterRequest(address, quantity);
            default -> new WriteSingleCoilRequest(address, quantity);
          };
      String where = "seed " + (SEED + 3) + " case " + n + ": unit " + unit + " " + pdu;
      boolean bits = pdu instanceof ReadCoilsRequest || pdu instanceof ReadDiscreteInputsRequest;
      boolean read = pdu.getFunctionCode() <= 4;
      int maxQuantity = bits ? 2000 : 125;
      boolean valueFits =
          read
              ? quantity >= 1 && quantity <= maxQuantity && address + quantity <= 0x10000
              : pdu instanceof WriteSingleCoilRequest
                  ? quantity == 0 || quantity == 0xFF00
                  : quantity >= Short.MIN_VALUE && quantity <= 0xFFFF; // signed or unsigned
      boolean fits = unit >= 0 && unit <= 255 && address >= 0 && address <= 0xFFFF && valueFits;
      byte[] frame;
      try {
        frame = RtuFrames.request(unit, pdu);
      } catch (IllegalArgumentException e) {
        assertFalse(fits, where + " was refused: " + e.getMessage());
        assertMessage(e, where);
        continue;
      }
      assertTrue(fits, where + " went on the wire as " + hex(frame));
      assertEquals(8, frame.length, where);
      assertTrue(RtuCrc.matches(frame, 0, frame.length), where);
      assertEquals(unit, frame[0] & 0xFF, where);
      assertEquals(address, (frame[2] & 0xFF) << 8 | frame[3] & 0xFF, where);
      assertEquals(quantity & 0xFFFF, (frame[4] & 0xFF) << 8 | frame[5] & 0xFF, where);
    }
  }

  @Test
  void aWriteTooLongForOneFrameIsRefused() {
    var pdu = new WriteMultipleRegistersRequest(0, 200, new byte[400]);
    var e = assertThrows(IllegalArgumentException.class, () -> RtuFrames.request(1, pdu));
    assertMessage(e, pdu.toString());
  }

  private static void assertMessage(Exception e, String where) {
    String m = e.getMessage();
    assertNotNull(m, where + ": no message");
    assertFalse(m.isBlank(), where + ": blank message");
    assertFalse(m.endsWith("null"), where + ": message without a cause: " + m);
  }
}
