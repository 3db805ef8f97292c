package io.edgerule.adapter.modbus.it;

import io.edgerule.adapter.ProtocolAdapter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: the TCP adapter against an independent Modbus implementation, Debian's python3-pymodbus
 * as TCP server (src/test/resources/pymodbus/tcp_server.py, image.py documents the process image):
 * every point type, both word orders, every table, exception 02, and a write of every writable type
 * read back.
 */
class PymodbusTcpIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private Pymodbus server;
  private TestGateway gateway;
  private final Samples samples = new Samples();

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void readsWritesAndExceptionsAgainstPymodbus() throws Exception {
    server = Pymodbus.start(dir, "tcp_server.py");
    int port = Integer.parseInt(server.firstLine().substring("LISTENING ".length()).trim());
    gateway = new TestGateway(dir);
    Devices device = Devices.tcp("py", port).timeout(Duration.ofSeconds(1));
    PymodbusImage.points().forEach(device::point);
    ProtocolAdapter adapter = gateway.start(device.build(), samples);
    PymodbusImage.assertReads(samples, "py", WAIT);
    PymodbusImage.assertWrites(adapter, samples, "py", WAIT);
  }
}
