package io.edgerule.adapter.modbus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.modbus.ModbusRtuBusConfig;
import io.edgerule.sim.modbus.PtyPair;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: the RTU adapter against an independent Modbus implementation, Debian's python3-pymodbus
 * as RTU server (src/test/resources/pymodbus/rtu_server.py) with two units on a socat pty pair:
 * every point type, both word orders, every table, exception 02 read from pymodbus's {@code 01 83
 * 02 C0 F1} (which digitalpetri 2.1.4's RTU client misreads), and a write of every writable type.
 */
class PymodbusRtuIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private PtyPair pty;
  private Pymodbus server;
  private final TestGateway gateway = new TestGateway(Path.of("target"));
  private final Samples samples = new Samples();

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    if (server != null) {
      server.close();
    }
    if (pty != null) {
      pty.close();
    }
  }

  @Test
  void twoPymodbusUnitsOnAPty() throws Exception {
    pty = PtyPair.create(dir.resolve("py"), dir.resolve("gw"));
    server = Pymodbus.start(dir, "rtu_server.py", pty.a().toString(), "1", "2");
    assertEquals("SERVING", server.firstLine());
    // A timeout long enough that python under a load of 20 always answers within it (500 ms gave 3
    // timeouts once): a timeout counted below then means pymodbus ignored a request (a framing
    // fault), not that the machine was busy.
    ModbusRtuBusConfig bus = RtuDevices.bus(pty.b().toString(), Duration.ofSeconds(5));
    RtuDevices one = RtuDevices.slave("py1", bus, 1).poll(Duration.ofMillis(200));
    RtuDevices two = RtuDevices.slave("py2", bus, 2).poll(Duration.ofMillis(200));
    PymodbusImage.points().forEach(one::point);
    PymodbusImage.points().forEach(two::point);
    ProtocolAdapter adapter = gateway.startRtu(samples, one.build(), two.build());

    PymodbusImage.assertReads(samples, "py1", WAIT);
    PymodbusImage.assertReads(samples, "py2", WAIT);
    PymodbusImage.assertWrites(adapter, samples, "py1", WAIT);
    PymodbusImage.assertWrites(adapter, samples, "py2", WAIT);
    assertEquals(0, RtuDevices.counter(adapter, "bus " + pty.b(), "crc_errors"));
    assertEquals(0, RtuDevices.counter(adapter, "bus " + pty.b(), "timeouts"));
  }
}
