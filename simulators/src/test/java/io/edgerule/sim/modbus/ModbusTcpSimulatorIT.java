package io.edgerule.sim.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.exceptions.ModbusTimeoutException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator over real TCP, with digitalpetri's client as the master. */
class ModbusTcpSimulatorIT {
  private ModbusTcpSimulator sim;
  private ModbusTcpClient client;

  /**
   * A client whose requests wait long enough for an answer on a machine with a load of 20: only the
   * test that expects a timeout asks for a short one.
   */
  private ModbusTcpClient connect(int port) throws Exception {
    return connect(port, Duration.ofSeconds(15));
  }

  private ModbusTcpClient connect(int port, Duration requestTimeout) throws Exception {
    var transport =
        NettyTcpClientTransport.create(
            b -> {
              b.setHostname("127.0.0.1");
              b.setPort(port);
              b.setConnectPersistent(false);
            });
    client = ModbusTcpClient.create(transport, c -> c.setRequestTimeout(requestTimeout));
    client.connect();
    return client;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.disconnect();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void answersReadsAndWritesOnAPickedPort() throws Exception {
    sim =
        ModbusTcpSimulator.start(
            ModbusSimConfig.builder()
                .manualTicks()
                .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 10).map(SimTable.COIL, 0, 8))
                .build());
    assertTrue(sim.port() > 0);
    sim.unit().setFloat32(SimTable.HOLDING_REGISTER, 0, 123.456f);
    var c = connect(sim.port());

    assertArrayEquals(
        new byte[] {0x42, (byte) 0xF6, (byte) 0xE9, 0x79},
        c.readHoldingRegisters(1, new ReadHoldingRegistersRequest(0, 2)).registers());
    c.writeSingleCoil(1, new WriteSingleCoilRequest(5, true));
    c.writeMultipleRegisters(1, new WriteMultipleRegistersRequest(8, 2, new byte[] {0, 1, 0, 2}));
    assertTrue(sim.coil(5));
    assertEquals(1, sim.holdingRegister(8));
    assertEquals(2, sim.holdingRegister(9));
    assertEquals(123.456f, sim.float32(0));
    assertArrayEquals(new byte[] {0x20}, c.readCoils(1, new ReadCoilsRequest(0, 8)).coils());

    var e =
        assertThrows(
            ModbusResponseException.class,
            () -> c.readHoldingRegisters(1, new ReadHoldingRegistersRequest(9, 2)));
    assertEquals(2, e.getExceptionCode(), "register 10 is not mapped");
    assertEquals(5, sim.requests().size());
    assertEquals(new SimRequest(sim.requests().get(0).time(), 1, 3, 0, 2), sim.requests().get(0));
  }

  @Test
  void generatorsMoveOnTicksAndUnitsAreSeparate() throws Exception {
    sim =
        ModbusTcpSimulator.start(
            ModbusSimConfig.builder()
                .manualTicks()
                .unit(
                    1,
                    u ->
                        u.generate(
                            SimTable.HOLDING_REGISTER,
                            0,
                            SimEncoding.UINT16,
                            Generators.ramp(0, 10, 0, 100)))
                .unit(2, u -> u.map(SimTable.HOLDING_REGISTER, 0, 1))
                .build());
    var c = connect(sim.port());
    assertArrayEquals(
        new byte[] {0, 0},
        c.readHoldingRegisters(1, new ReadHoldingRegistersRequest(0, 1)).registers());
    sim.tick();
    sim.tick();
    assertArrayEquals(
        new byte[] {0, 20},
        c.readHoldingRegisters(1, new ReadHoldingRegistersRequest(0, 1)).registers());
    assertArrayEquals(
        new byte[] {0, 0},
        c.readHoldingRegisters(2, new ReadHoldingRegistersRequest(0, 1)).registers());
    var e =
        assertThrows(
            ModbusResponseException.class,
            () -> c.readHoldingRegisters(9, new ReadHoldingRegistersRequest(0, 1)));
    assertEquals(0x0B, e.getExceptionCode());
  }

  @Test
  void stopAndStartKeepThePortAndTheImage_silenceTimesOut() throws Exception {
    sim =
        ModbusTcpSimulator.start(
            ModbusSimConfig.builder()
                .manualTicks()
                .unit(1, u -> u.map(SimTable.HOLDING_REGISTER, 0, 1))
                .build());
    int port = sim.port();
    sim.unit().setHoldingRegister(0, 77);
    sim.stopServer();
    sim.startServer();
    assertEquals(port, sim.port());
    var c = connect(port, Duration.ofSeconds(5));
    assertArrayEquals(
        new byte[] {0, 77},
        c.readHoldingRegisters(1, new ReadHoldingRegistersRequest(0, 1)).registers());

    sim.setResponding(false);
    assertInstanceOf(
        ModbusTimeoutException.class,
        assertThrows(
            Exception.class,
            () -> c.readHoldingRegisters(1, new ReadHoldingRegistersRequest(0, 1))));
    assertEquals(2, sim.requests().size(), "the unanswered request is still logged");
  }
}
