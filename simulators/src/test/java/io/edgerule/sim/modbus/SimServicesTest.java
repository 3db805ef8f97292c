package io.edgerule.sim.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.UnknownUnitIdException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleCoilsRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request handling of the simulator, called directly (the ITs go over TCP). */
class SimServicesTest {
  private final SimUnit unit =
      new SimUnit(1)
          .map(SimTable.HOLDING_REGISTER, 0, 4)
          .map(SimTable.HOLDING_REGISTER, 10, 2)
          .map(SimTable.INPUT_REGISTER, 0, 2)
          .map(SimTable.COIL, 0, 10);
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final SimServices services = new SimServices(Map.of(1, unit), clock);

  private static int code(ModbusResponseException e) {
    return e.getExceptionCode();
  }

  @Test
  void readsAnswerFromTheProcessImage() throws Exception {
    unit.setFloat32(SimTable.HOLDING_REGISTER, 0, 123.456f);
    unit.setInputRegister(1, 0xBEEF);
    unit.setCoil(0, true);
    unit.setCoil(9, true);
    assertArrayEquals(
        new byte[] {0x42, (byte) 0xF6, (byte) 0xE9, 0x79},
        services.readHoldingRegisters(null, 1, new ReadHoldingRegistersRequest(0, 2)).registers());
    assertArrayEquals(
        new byte[] {0, 0, (byte) 0xBE, (byte) 0xEF},
        services.readInputRegisters(null, 1, new ReadInputRegistersRequest(0, 2)).registers());
    assertArrayEquals(
        new byte[] {0x01, 0x02}, services.readCoils(null, 1, new ReadCoilsRequest(0, 10)).coils());
  }

  @Test
  void unmappedAddressesAnswerException02() {
    // 0..3 mapped, 4..9 not: a read across the hole is refused as a whole
    var e =
        assertThrows(
            ModbusResponseException.class,
            () -> services.readHoldingRegisters(null, 1, new ReadHoldingRegistersRequest(2, 9)));
    assertEquals(2, code(e));
    assertEquals(3, e.getFunctionCode());
    assertEquals(
        2,
        code(
            assertThrows(
                ModbusResponseException.class,
                () ->
                    services.writeSingleRegister(null, 1, new WriteSingleRegisterRequest(5, 1)))));
    assertEquals(
        2,
        code(
            assertThrows(
                ModbusResponseException.class,
                () -> services.readCoils(null, 1, new ReadCoilsRequest(5, 6)))));
  }

  @Test
  void badQuantitiesAnswerException03AndUnknownUnits0B() {
    assertEquals(
        3,
        code(
            assertThrows(
                ModbusResponseException.class,
                () ->
                    services.readHoldingRegisters(
                        null, 1, new ReadHoldingRegistersRequest(0, 126)))));
    assertEquals(
        3,
        code(
            assertThrows(
                ModbusResponseException.class,
                () -> services.writeSingleCoil(null, 1, new WriteSingleCoilRequest(0, 0x1234)))));
    assertEquals(
        0x0B,
        code(
            assertThrows(
                ModbusResponseException.class,
                () ->
                    services.readHoldingRegisters(
                        null, 7, new ReadHoldingRegistersRequest(0, 1)))));
  }

  @Test
  void writesLandInTheProcessImage() throws Exception {
    services.writeSingleCoil(null, 1, new WriteSingleCoilRequest(3, true));
    services.writeSingleRegister(null, 1, new WriteSingleRegisterRequest(10, 0xFFFE));
    services.writeMultipleRegisters(
        null,
        1,
        new WriteMultipleRegistersRequest(0, 2, new byte[] {0x42, (byte) 0xF6, (byte) 0xE9, 0x79}));
    services.writeMultipleCoils(null, 1, new WriteMultipleCoilsRequest(4, 3, new byte[] {0x05}));
    assertTrue(unit.coil(3));
    assertEquals(0xFFFE, unit.holdingRegister(10));
    assertEquals(123.456f, unit.float32(SimTable.HOLDING_REGISTER, 0));
    assertTrue(unit.coil(4));
    assertEquals(false, unit.coil(5));
    assertTrue(unit.coil(6));
  }

  @Test
  void everyRequestIsLoggedAndASilentSimulatorDropsThem() {
    services.setResponding(false);
    assertThrows(
        UnknownUnitIdException.class,
        () -> services.readHoldingRegisters(null, 1, new ReadHoldingRegistersRequest(0, 4)));
    assertEquals(new SimRequest(clock.instant(), 1, 3, 0, 4), services.log().get(0));
  }
}
