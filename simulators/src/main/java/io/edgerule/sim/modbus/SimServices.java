package io.edgerule.sim.modbus;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.FunctionCode;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;
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
import com.digitalpetri.modbus.server.ModbusRequestContext;
import com.digitalpetri.modbus.server.ModbusServices;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Answers requests from the units' process images. Unmapped addresses answer exception 02
 * (ILLEGAL_DATA_ADDRESS), quantities out of the protocol's limits exception 03, and a unit id
 * nobody serves exception 0B (GATEWAY_TARGET_DEVICE_FAILED_TO_RESPONSE), like a TCP gateway would.
 * Every request is logged; when the simulator is told not to respond, requests are logged and
 * dropped.
 */
final class SimServices implements ModbusServices {
  private final Map<Integer, SimUnit> units;
  private final Clock clock;
  private final List<SimRequest> log = new ArrayList<>();
  private volatile boolean responding = true;

  SimServices(Map<Integer, SimUnit> units, Clock clock) {
    this.units = units;
    this.clock = clock;
  }

  void setResponding(boolean responding) {
    this.responding = responding;
  }

  List<SimRequest> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  void clearLog() {
    synchronized (log) {
      log.clear();
    }
  }

  /** Logs a request that was answered without the services (a fault the RTU simulator forced). */
  void record(int unitId, int functionCode, int address, int quantity) {
    synchronized (log) {
      log.add(new SimRequest(clock.instant(), unitId, functionCode, address, quantity));
    }
  }

  private SimUnit unit(int unitId, FunctionCode fc, int address, int quantity)
      throws ModbusResponseException, UnknownUnitIdException {
    synchronized (log) {
      log.add(new SimRequest(clock.instant(), unitId, fc.getCode(), address, quantity));
    }
    if (!responding) {
      throw new UnknownUnitIdException(unitId); // the server drops the request: no answer
    }
    SimUnit unit = units.get(unitId);
    if (unit == null) {
      throw new ModbusResponseException(fc, ExceptionCode.GATEWAY_TARGET_DEVICE_FAILED_TO_RESPONSE);
    }
    return unit;
  }

  private static void requireMapped(
      SimUnit unit, SimTable table, FunctionCode fc, int address, int quantity)
      throws ModbusResponseException {
    if (!unit.isMapped(table, address, quantity)) {
      throw new ModbusResponseException(fc, ExceptionCode.ILLEGAL_DATA_ADDRESS);
    }
  }

  @Override
  public ReadCoilsResponse readCoils(
      ModbusRequestContext context, int unitId, ReadCoilsRequest request)
      throws ModbusResponseException, UnknownUnitIdException {
    return new ReadCoilsResponse(
        readBits(
            unitId, FunctionCode.READ_COILS, SimTable.COIL, request.address(), request.quantity()));
  }

  @Override
  public ReadDiscreteInputsResponse readDiscreteInputs(
      ModbusRequestContext context, int unitId, ReadDiscreteInputsRequest request)
      throws ModbusResponseException, UnknownUnitIdException {
    return new ReadDiscreteInputsResponse(
        readBits(
            unitId,
            FunctionCode.READ_DISCRETE_INPUTS,
            SimTable.DISCRETE_INPUT,
            request.address(),
            request.quantity()));
  }

  @Override
  public ReadHoldingRegistersResponse readHoldingRegisters(
      ModbusRequestContext context, int unitId, ReadHoldingRegistersRequest request)
      throws ModbusResponseException, UnknownUnitIdException {
    return new ReadHoldingRegistersResponse(
        readRegisters(
            unitId,
            FunctionCode.READ_HOLDING_REGISTERS,
            SimTable.HOLDING_REGISTER,
            request.address(),
            request.quantity()));
  }

  @Override
  public ReadInputRegistersResponse readInputRegisters(
      ModbusRequestContext context, int unitId, ReadInputRegistersRequest request)
      throws ModbusResponseException, UnknownUnitIdException {
    return new ReadInputRegistersResponse(
        readRegisters(
            unitId,
            FunctionCode.READ_INPUT_REGISTERS,
            SimTable.INPUT_REGISTER,
            request.address(),
            request.quantity()));
  }

  @Override
  public WriteSingleCoilResponse writeSingleCoil(
      ModbusRequestContext context, int unitId, WriteSingleCoilRequest request)
      throws ModbusResponseException, UnknownUnitIdException {
    FunctionCode fc = FunctionCode.WRITE_SINGLE_COIL;
    SimUnit unit = unit(unitId, fc, request.address(), 1);
    if (request.value() != 0xFF00 && request.value() != 0x0000) {
      throw new ModbusResponseException(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
    }
    synchronized (unit) {
      requireMapped(unit, SimTable.COIL, fc, request.address(), 1);
      unit.setCoil(request.address(), request.value() == 0xFF00);
    }
    return new WriteSingleCoilResponse(request.address(), request.value());
  }

  @Override
  public WriteSingleRegisterResponse writeSingleRegister(
      ModbusRequestContext context, int unitId, WriteSingleRegisterRequest request)
      throws ModbusResponseException, UnknownUnitIdException {
    FunctionCode fc = FunctionCode.WRITE_SINGLE_REGISTER;
    SimUnit unit = unit(unitId, fc, request.address(), 1);
    synchronized (unit) {
      requireMapped(unit, SimTable.HOLDING_REGISTER, fc, request.address(), 1);
      unit.setHoldingRegister(request.address(), request.value() & 0xFFFF);
    }
    return new WriteSingleRegisterResponse(request.address(), request.value());
  }

  @Override
  public WriteMultipleCoilsResponse writeMultipleCoils(
      ModbusRequestContext context, int unitId, WriteMultipleCoilsRequest request)
      throws ModbusResponseException, UnknownUnitIdException {
    FunctionCode fc = FunctionCode.WRITE_MULTIPLE_COILS;
    SimUnit unit = unit(unitId, fc, request.address(), request.quantity());
    if (request.quantity() < 1
        || request.quantity() > 0x7B0
        || request.values().length < (request.quantity() + 7) / 8) {
      throw new ModbusResponseException(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
    }
    synchronized (unit) {
      requireMapped(unit, SimTable.COIL, fc, request.address(), request.quantity());
      for (int i = 0; i < request.quantity(); i++) {
        unit.setCoil(request.address() + i, (request.values()[i / 8] >> (i % 8) & 1) == 1);
      }
    }
    return new WriteMultipleCoilsResponse(request.address(), request.quantity());
  }

  @Override
  public WriteMultipleRegistersResponse writeMultipleRegisters(
      ModbusRequestContext context, int unitId, WriteMultipleRegistersRequest request)
      throws ModbusResponseException, UnknownUnitIdException {
    FunctionCode fc = FunctionCode.WRITE_MULTIPLE_REGISTERS;
    SimUnit unit = unit(unitId, fc, request.address(), request.quantity());
    if (request.quantity() < 1
        || request.quantity() > 0x7B
        || request.values().length < 2 * request.quantity()) {
      throw new ModbusResponseException(fc, ExceptionCode.ILLEGAL_DATA_VALUE);
    }
    int[] words = new int[request.quantity()];
    for (int i = 0; i < words.length; i++) {
      words[i] = (request.values()[2 * i] & 0xFF) << 8 | request.values()[2 * i + 1] & 0xFF;
    }
    synchronized (unit) {
      requireMapped(unit, SimTable.HOLDING_REGISTER, fc, request.address(), request.quantity());
      unit.setRegisters(SimTable.HOLDING_REGISTER, request.address(), words);
    }
    return new WriteMultipleRegistersResponse(request.address(), request.quantity());
  }

  private byte[] readBits(int unitId, FunctionCode fc, SimTable table, int address, int quantity)
      throws ModbusResponseException, UnknownUnitIdException {
    SimUnit unit = unit(unitId, fc, address, quantity);
    ModbusServices.checkBitRange(fc.getCode(), address, quantity);
    byte[] out = new byte[(quantity + 7) / 8];
    synchronized (unit) {
      requireMapped(unit, table, fc, address, quantity);
      for (int i = 0; i < quantity; i++) {
        if (unit.bit(table, address + i)) {
          out[i / 8] |= (byte) (1 << (i % 8));
        }
      }
    }
    return out;
  }

  private byte[] readRegisters(
      int unitId, FunctionCode fc, SimTable table, int address, int quantity)
      throws ModbusResponseException, UnknownUnitIdException {
    SimUnit unit = unit(unitId, fc, address, quantity);
    ModbusServices.checkRegisterRange(fc.getCode(), address, quantity);
    int[] words;
    synchronized (unit) {
      requireMapped(unit, table, fc, address, quantity);
      words = unit.registers(table, address, quantity);
    }
    byte[] out = new byte[2 * quantity];
    for (int i = 0; i < quantity; i++) {
      out[2 * i] = (byte) (words[i] >> 8);
      out[2 * i + 1] = (byte) words[i];
    }
    return out;
  }
}
