package io.edgerule.sim.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulator as a server: it speaks OPC-UA binary (Hello/Acknowledge on a raw socket; the
 * adapter's ITs cover the full protocol), restarts on the same port, ticks, answers slowly when
 * told, and frees its port on close.
 */
// A net for a hang, not a speed check: on a 2-core machine at a load of 25 one test took 62 s.
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OpcUaSimulatorIT {

  /** An OPC-UA Hello message (Part 6, 7.1.2.3) for the given endpoint URL. */
  static byte[] hello(String endpointUrl) {
    byte[] url = endpointUrl.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(32 + url.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("HEL".getBytes(StandardCharsets.US_ASCII)).put((byte) 'F'); // message type, final chunk
    b.putInt(32 + url.length); // message size
    b.putInt(0); // protocol version
    b.putInt(65536); // receive buffer size
    b.putInt(65536); // send buffer size
    b.putInt(0); // max message size (no limit)
    b.putInt(0); // max chunk count (no limit)
    b.putInt(url.length).put(url); // endpoint URL
    return b.array();
  }

  /** Sends Hello, returns the 3-letter type of the answer ("ACK") and how long it took. */
  static String[] helloAck(int port, String url) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      out.write(hello(url));
      out.flush();
      byte[] header = new byte[8];
      new DataInputStream(s.getInputStream()).readFully(header);
      long millis = (System.nanoTime() - start) / 1_000_000;
      return new String[] {
        new String(header, 0, 3, StandardCharsets.US_ASCII), Long.toString(millis)
      };
    }
  }

  @Test
  void answersHelloRestartsOnTheSamePortAndFreesItOnClose() throws Exception {
    int port;
    try (OpcUaSimulator sim = OpcUaSimulator.builder().start()) {
      port = sim.port();
      assertTrue(port > 0);
      assertEquals("opc.tcp://localhost:" + port + "/plant", sim.endpointUrl());
      assertEquals("ACK", helloAck(port, sim.endpointUrl())[0]);

      sim.stop();
      assertTrue(!sim.isRunning());
      assertThrows(ConnectException.class, () -> helloAck(port, sim.endpointUrl()));
      sim.start();
      assertEquals(port, sim.port());
      assertEquals("ACK", helloAck(port, sim.endpointUrl())[0]);
    }
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress("127.0.0.1", port)); // the port is free again
    }
  }

  @Test
  void theSlowKnobHoldsResponsesBack() throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.builder().start()) {
      sim.responseDelay(Duration.ofMillis(600));
      String[] answer = helloAck(sim.port(), sim.endpointUrl());
      assertEquals("ACK", answer[0]);
      assertTrue(Long.parseLong(answer[1]) >= 600, "answered after " + answer[1] + " ms");
      sim.responseDelay(Duration.ZERO);
      assertEquals("ACK", helloAck(sim.port(), sim.endpointUrl())[0]);
    }
  }

  @Test
  void thePlantRunsAndSetpointsDriveIt() throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.builder().tick(Duration.ofMillis(20)).start()) {
      int first = (Integer) sim.read("Line/Counter");
      awaitTrue(() -> (Integer) sim.read("Line/Counter") >= first + 5, "the counter ticks");

      sim.write("Pump/Command", true);
      awaitTrue(() -> Boolean.TRUE.equals(sim.read("Pump/Running")), "the pump follows");
      awaitTrue(() -> ((Number) sim.read("Pump/Speed")).intValue() > 0, "and ramps up");
      assertEquals("RUNNING", sim.read("Line/State"));

      // setpoints survive a restart, the counter keeps counting
      int beforeRestart = (Integer) sim.read("Line/Counter");
      sim.restart();
      assertEquals(Boolean.TRUE, sim.read("Pump/Command"));
      assertTrue((Integer) sim.read("Line/Counter") >= beforeRestart);
      assertEquals(
          "no variable Nope (or the simulator is stopped)",
          assertThrows(IllegalArgumentException.class, () -> sim.write("Nope", 1)).getMessage());
    }
  }

  static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // poll with a deadline
    }
  }
}
