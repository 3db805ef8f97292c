package io.edgerule.adapter.modbus.internal.rtu;

import com.digitalpetri.modbus.ModbusPduSerializer;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ModbusRequestPdu;
import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadCoilsResponse;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsRequest;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsResponse;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteMultipleCoilsRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleCoilsResponse;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersResponse;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilResponse;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * RTU frames: {@code unit | PDU | CRC low | CRC high}. Builds request frames, tells how long a
 * response frame is from its first bytes, and decodes a checked response frame. Pure.
 *
 * <p>Exception responses are decoded here from the raw frame ({@code unit | fc + 0x80 | code |
 * CRC}): the exception code is the byte after the function code. (digitalpetri's 2.1.4 RTU client
 * reads the function code byte twice and reports {@code 01 83 02 C0 F1} as exception {@code
 * 0xFFFFFF83}; this decoder reports 02 ILLEGAL_DATA_ADDRESS.)
 */
public final class RtuFrames {
  /** {@link #responseLength}: more bytes are needed to tell. */
  public static final int NEED_MORE = 0;

  /** {@link #responseLength}: not the start of a response frame this master understands. */
  public static final int UNKNOWN = -1;

  /** The longest RTU frame: 1 address + 253 PDU + 2 CRC. */
  public static final int MAX_FRAME = 256;

  private RtuFrames() {}

  /**
   * The frame of {@code pdu} for {@code unitId}, CRC included.
   *
   * @throws IllegalArgumentException when a number does not fit its field or the Modbus limits
   */
  public static byte[] request(int unitId, ModbusRequestPdu pdu) {
    // the serializer casts to byte and short: without these checks unit 300 would address unit 44
    // and register 70000 register 4464
    if (unitId < 0 || unitId > 255) {
      throw new IllegalArgumentException("unit id must be 0..255, got " + unitId);
    }
    String wrong = invalidRequest(pdu);
    if (wrong != null) {
      throw new IllegalArgumentException("cannot encode " + pdu + ": " + wrong);
    }
    ByteBuffer buffer = ByteBuffer.allocate(MAX_FRAME);
    buffer.put((byte) unitId);
    try {
      ModbusPduSerializer.DefaultRequestSerializer.INSTANCE.encode(pdu, buffer);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException("cannot encode " + pdu + ": " + why, e);
    }
    int length = buffer.position();
    byte[] frame = Arrays.copyOf(buffer.array(), length + 2);
    int crc = RtuCrc.of(frame, 0, length);
    frame[length] = (byte) crc;
    frame[length + 1] = (byte) (crc >>> 8);
    return frame;
  }

  /** What makes {@code pdu} impossible to send as it is, or null. */
  private static String invalidRequest(ModbusRequestPdu pdu) {
    if (pdu instanceof ReadCoilsRequest r) {
      return invalidRange(r.address(), r.quantity(), 2000);
    }
    if (pdu instanceof ReadDiscreteInputsRequest r) {
      return invalidRange(r.address(), r.quantity(), 2000);
    }
    if (pdu instanceof ReadHoldingRegistersRequest r) {
      return invalidRange(r.address(), r.quantity(), 125);
    }
    if (pdu instanceof ReadInputRegistersRequest r) {
      return invalidRange(r.address(), r.quantity(), 125);
    }
    if (pdu instanceof WriteSingleCoilRequest w) {
      if (w.value() != 0x0000 && w.value() != 0xFF00) {
        return "a coil value is 0000 or FF00, got %X".formatted(w.value());
      }
      return invalidAddress(w.address());
    }
    if (pdu instanceof WriteSingleRegisterRequest w) {
      if (w.value() < Short.MIN_VALUE || w.value() > 0xFFFF) {
        return "a register value has 16 bits, got " + w.value();
      }
      return invalidAddress(w.address());
    }
    if (pdu instanceof WriteMultipleRegistersRequest w) {
      String range = invalidRange(w.address(), w.quantity(), 123);
      return range != null || w.values().length == 2 * w.quantity()
          ? range
          : w.values().length + " bytes for " + w.quantity() + " registers";
    }
    if (pdu instanceof WriteMultipleCoilsRequest w) {
      String range = invalidRange(w.address(), w.quantity(), 1968);
      return range != null || w.values().length == (w.quantity() + 7) / 8
          ? range
          : w.values().length + " bytes for " + w.quantity() + " coils";
    }
    return null;
  }

  private static String invalidAddress(int address) {
    return address < 0 || address > 0xFFFF ? "address must be 0..65535, got " + address : null;
  }

  private static String invalidRange(int address, int quantity, int maxQuantity) {
    if (invalidAddress(address) != null) {
      return invalidAddress(address);
    }
    if (quantity < 1 || quantity > maxQuantity) {
      return "quantity must be 1.." + maxQuantity + ", got " + quantity;
    }
    if (address + quantity - 1 > 0xFFFF) {
      return quantity + " addresses from " + address + " run past address 65535";
    }
    return null;
  }

  /** Refuses a range that is not inside {@code buf} (rather than an index exception later). */
  private static void checkRange(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new IllegalArgumentException(
          "bytes " + offset + "+" + length + " are outside a buffer of " + buf.length);
    }
  }

  /**
   * The length of the response frame starting at {@code start}, judged from its function code (and
   * byte count): {@link #NEED_MORE} when {@code end - start} bytes are not enough to tell, {@link
   * #UNKNOWN} for function codes this master never sends.
   */
  public static int responseLength(byte[] buf, int start, int end) {
    checkRange(buf, start, end - start);
    if (end - start < 2) {
      return NEED_MORE;
    }
    int fc = buf[start + 1] & 0xFF;
    if (fc >= 0x80) {
      return (fc & 0x7F) == 0 ? UNKNOWN : 5; // unit, fc | 0x80, exception code, CRC
    }
    return switch (fc) {
      case 0x01, 0x02, 0x03, 0x04, 0x17 ->
          end - start < 3 ? NEED_MORE : 5 + (buf[start + 2] & 0xFF); // unit fc count data CRC
      case 0x05, 0x06, 0x0F, 0x10 -> 8; // unit fc address value/quantity CRC
      case 0x16 -> 10;
      default -> UNKNOWN;
    };
  }

  /** How long the normal response to {@code request} is, in bytes (for wire-time estimates). */
  public static int expectedResponseLength(ModbusRequestPdu request) {
    if (request instanceof ReadCoilsRequest r) {
      return 5 + (r.quantity() + 7) / 8;
    }
    if (request instanceof ReadDiscreteInputsRequest r) {
      return 5 + (r.quantity() + 7) / 8;
    }
    if (request instanceof ReadHoldingRegistersRequest r) {
      return 5 + 2 * r.quantity();
    }
    if (request instanceof ReadInputRegistersRequest r) {
      return 5 + 2 * r.quantity();
    }
    return 8;
  }

  /**
   * Decodes the response frame of {@code length} bytes at {@code offset} (CRC already checked).
   *
   * @throws ModbusResponseException for an exception response, with its real exception code
   * @throws IllegalArgumentException when the PDU cannot be decoded
   */
  public static ModbusResponsePdu decode(byte[] frame, int offset, int length)
      throws ModbusResponseException {
    checkRange(frame, offset, length);
    if (length < 5) {
      throw new IllegalArgumentException("a response frame has at least 5 bytes, got " + length);
    }
    int fc = frame[offset + 1] & 0xFF;
    if (fc >= 0x80) {
      throw new ModbusResponseException(fc & 0x7F, frame[offset + 2] & 0xFF);
    }
    // the library reads as many bytes as the byte count says and ignores the rest, or fails with a
    // BufferUnderflowException without a message: name the disagreement instead
    int expected = responseLength(frame, offset, offset + length);
    if (expected > 0 && expected != length) {
      throw new IllegalArgumentException(
          "function code %02X frame of %d bytes, but its byte count %d makes it %d bytes"
              .formatted(fc, length, frame[offset + 2] & 0xFF, expected));
    }
    ByteBuffer pdu = ByteBuffer.wrap(frame, offset + 1, length - 3).slice();
    try {
      return (ModbusResponsePdu)
          ModbusPduSerializer.DefaultResponseSerializer.INSTANCE.decode(fc, pdu);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException(
          "cannot decode function code %02X: %s".formatted(fc, why), e);
    }
  }

  /**
   * Checks that {@code response} answers {@code request}: a read carries exactly the bytes asked
   * for, a write echoes its address and value or quantity.
   *
   * @return null when it does, else what is wrong
   */
  public static String mismatch(ModbusRequestPdu request, ModbusResponsePdu response) {
    if (request.getFunctionCode() != response.getFunctionCode()) {
      return "function code %02X answers a request with %02X"
          .formatted(response.getFunctionCode(), request.getFunctionCode());
    }
    int expected = expectedResponseLength(request);
    if (request instanceof WriteSingleCoilRequest w
        && response instanceof WriteSingleCoilResponse r) {
      return w.address() == r.address() && w.value() == r.value()
          ? null
          : "write echo %d=%04X does not match %d=%04X"
              .formatted(r.address(), r.value(), w.address(), w.value());
    }
    if (request instanceof WriteSingleRegisterRequest w
        && response instanceof WriteSingleRegisterResponse r) {
      return w.address() == r.address() && (w.value() & 0xFFFF) == (r.value() & 0xFFFF)
          ? null
          : "write echo %d=%04X does not match %d=%04X"
              .formatted(r.address(), r.value(), w.address(), w.value());
    }
    if (request instanceof WriteMultipleRegistersRequest w
        && response instanceof WriteMultipleRegistersResponse r) {
      return w.address() == r.address() && w.quantity() == r.quantity()
          ? null
          : "write echo %d+%d does not match %d+%d"
              .formatted(r.address(), r.quantity(), w.address(), w.quantity());
    }
    if (request instanceof WriteMultipleCoilsRequest w
        && response instanceof WriteMultipleCoilsResponse r) {
      return w.address() == r.address() && w.quantity() == r.quantity()
          ? null
          : "write echo %d+%d does not match %d+%d"
              .formatted(r.address(), r.quantity(), w.address(), w.quantity());
    }
    int dataBytes = expected - 5;
    int got = readDataLength(response);
    if (got >= 0 && got != dataBytes) {
      return "%d data bytes where %d were asked for".formatted(got, dataBytes);
    }
    return null;
  }

  private static int readDataLength(ModbusResponsePdu response) {
    if (response instanceof ReadCoilsResponse r) {
      return r.coils().length;
    }
    if (response instanceof ReadDiscreteInputsResponse r) {
      return r.inputs().length;
    }
    if (response instanceof ReadHoldingRegistersResponse r) {
      return r.registers().length;
    }
    if (response instanceof ReadInputRegistersResponse r) {
      return r.registers().length;
    }
    return -1;
  }
}
