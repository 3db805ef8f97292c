package io.edgerule.adapter.modbus.internal;

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
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import io.edgerule.adapter.modbus.ModbusTable;

/** Builds the request PDUs of reads and writes and checks the data of read responses. Pure. */
public final class Pdus {
  private Pdus() {}

  /** The read request for a block (FC01 to FC04 by table). */
  public static ModbusRequestPdu read(ReadBlock block) {
    return switch (block.table()) {
      case COIL -> new ReadCoilsRequest(block.start(), block.count());
      case DISCRETE_INPUT -> new ReadDiscreteInputsRequest(block.start(), block.count());
      case HOLDING_REGISTER -> new ReadHoldingRegistersRequest(block.start(), block.count());
      case INPUT_REGISTER -> new ReadInputRegistersRequest(block.start(), block.count());
    };
  }

  /**
   * The data of a read response: packed bits for bit tables, two bytes per register otherwise.
   *
   * @throws IllegalArgumentException when the response does not belong to the request or is short
   */
  public static byte[] data(ReadBlock block, ModbusResponsePdu response) {
    ModbusTable table = block.table();
    byte[] data;
    if (response instanceof ReadCoilsResponse r && table == ModbusTable.COIL) {
      data = r.coils();
    } else if (response instanceof ReadDiscreteInputsResponse r
        && table == ModbusTable.DISCRETE_INPUT) {
      data = r.inputs();
    } else if (response instanceof ReadHoldingRegistersResponse r
        && table == ModbusTable.HOLDING_REGISTER) {
      data = r.registers();
    } else if (response instanceof ReadInputRegistersResponse r
        && table == ModbusTable.INPUT_REGISTER) {
      data = r.registers();
    } else {
      throw new IllegalArgumentException(
          "response function code %02X does not answer a read of %s"
              .formatted(response.getFunctionCode(), table.yamlName()));
    }
    int needed = table.isBits() ? (block.count() + 7) / 8 : 2 * block.count();
    if (data.length < needed) {
      throw new IllegalArgumentException(
          "short response: "
              + data.length
              + " data bytes for "
              + block.count()
              + " "
              + (table.isBits() ? "bits" : "registers")
              + " (need "
              + needed
              + ")");
    }
    return data;
  }

  /** FC05. */
  public static ModbusRequestPdu writeCoil(int address, boolean on) {
    return new WriteSingleCoilRequest(address, on);
  }

  /** FC06 for one register, FC16 for several; {@code bytes} as they go on the wire. */
  public static ModbusRequestPdu writeRegisters(int address, byte[] bytes) {
    if (bytes.length == 2) {
      return new WriteSingleRegisterRequest(address, (bytes[0] & 0xFF) << 8 | bytes[1] & 0xFF);
    }
    return new WriteMultipleRegistersRequest(address, bytes.length / 2, bytes.clone());
  }
}
