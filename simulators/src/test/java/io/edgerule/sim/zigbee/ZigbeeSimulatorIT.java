package io.edgerule.sim.zigbee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fazecast.jSerialComm.SerialPort;
import io.edgerule.sim.zigbee.XBeeFrame.AtCommand;
import io.edgerule.sim.zigbee.XBeeFrame.AtResponse;
import io.edgerule.sim.zigbee.XBeeFrame.ExplicitRxIndicator;
import io.edgerule.sim.zigbee.XBeeFrame.ExplicitTransmitRequest;
import io.edgerule.sim.zigbee.XBeeFrame.ModemStatus;
import io.edgerule.sim.zigbee.XBeeFrame.TransmitStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator as a host sees it, with nothing but the simulator's own frame codec: the AT
 * handshake, modem status, joining, ZDO/ZCL relaying, transmit status, and bad frames from the
 * host.
 */
class ZigbeeSimulatorIT {
  private static final long LIGHT = 0x00124B0000000004L;
  private static final Duration WAIT = Duration.ofSeconds(30); // a loaded 2-core CI machine

  @TempDir Path tmp;

  /** A host end: frames out, decoded frames in. */
  private static final class Host implements AutoCloseable {
    private final OutputStream out;
    private final AutoCloseable closer;
    private final BlockingQueue<XBeeFrame> received = new LinkedBlockingQueue<>();
    private final List<XBeeFrame> seen = new ArrayList<>();

    Host(InputStream in, OutputStream out, AutoCloseable closer) {
      this.out = out;
      this.closer = closer;
      XBeeFrameDecoder decoder = new XBeeFrameDecoder(true);
      Thread reader =
          new Thread(
              () -> {
                byte[] buf = new byte[256];
                try {
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    for (XBeeFrameDecoder.Result r : decoder.feed(buf, 0, n)) {
                      if (r instanceof XBeeFrameDecoder.Result.Frame f) {
                        received.add(XBeeFrame.parse(f.frameData()));
                      }
                    }
                  }
                } catch (java.io.IOException e) {
                  // closed
                }
              },
              "test-host-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void send(XBeeFrame frame) throws Exception {
      out.write(XBeeApiCodec.encode(frame.frameData(), true));
      out.flush();
    }

    void sendRaw(byte[] bytes) throws Exception {
      out.write(bytes);
      out.flush();
    }

    <T extends XBeeFrame> T await(Class<T> type, Predicate<T> match, String what) throws Exception {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        for (XBeeFrame f : seen) {
          if (type.isInstance(f) && match.test(type.cast(f))) {
            seen.remove(f);
            return type.cast(f);
          }
        }
        long left = deadline - System.nanoTime();
        XBeeFrame next = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
        if (next == null) {
          fail("no " + what + " within " + WAIT + "; got " + seen);
        }
        seen.add(next);
      }
    }

    @Override
    public void close() throws Exception {
      closer.close();
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static void handshake(Host host) throws Exception {
    host.send(new AtCommand(1, "FR", new byte[0]));
    AtResponse fr = host.await(AtResponse.class, r -> r.frameId() == 1, "the FR answer");
    assertEquals(AtResponse.OK, fr.status());
    host.await(
        ModemStatus.class, m -> m.status() == ModemStatus.WATCHDOG_RESET, "the reset status 01");
    host.await(
        ModemStatus.class,
        m -> m.status() == ModemStatus.COORDINATOR_STARTED,
        "coordinator started 06");
  }

  @Test
  void speaksXBeeApiMode2OverTcp() throws Exception {
    VirtualDevice light = VirtualDevice.light(LIGHT);
    try (ZigbeeSimulator sim =
            ZigbeeSimulator.builder().ieee(0x0013A20041A2B3C4L).device(light).startTcp(0);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), sim.tcpPort());
        Host host = new Host(socket.getInputStream(), socket.getOutputStream(), socket)) {
      handshake(host);

      host.send(new AtCommand(2, "SH", new byte[0]));
      AtResponse sh = host.await(AtResponse.class, r -> r.frameId() == 2, "SH");
      assertArrayEquals(bytes(0x00, 0x13, 0xA2, 0x00), sh.data());
      host.send(new AtCommand(3, "XX", new byte[0]));
      assertEquals(
          AtResponse.INVALID_COMMAND,
          host.await(AtResponse.class, r -> r.frameId() == 3, "XX").status());

      // permit joining (ZDO broadcast to routers and coordinator): the light joins and announces
      host.send(
          new ExplicitTransmitRequest(
              4, 0xFFFFL, 0xFFFC, 0, 0, 0x0036, 0x0000, 0, 0, bytes(0x01, 60, 0x00)));
      assertEquals(
          TransmitStatus.SUCCESS,
          host.await(TransmitStatus.class, t -> t.frameId() == 4, "permit join status")
              .deliveryStatus());
      ExplicitRxIndicator announce =
          host.await(ExplicitRxIndicator.class, r -> r.clusterId() == 0x0013, "device announce");
      assertEquals(LIGHT, announce.source64());
      int nwk = announce.source16();
      assertEquals(nwk, light.networkAddress());

      // ZCL On to the light: transmit status, then its Default Response
      host.send(
          new ExplicitTransmitRequest(
              5, LIGHT, nwk, 1, 1, 0x0006, 0x0104, 0, 0, bytes(0x01, 0x21, 0x01)));
      assertEquals(
          TransmitStatus.SUCCESS,
          host.await(TransmitStatus.class, t -> t.frameId() == 5, "On status").deliveryStatus());
      ExplicitRxIndicator reply =
          host.await(ExplicitRxIndicator.class, r -> r.clusterId() == 0x0006, "Default Response");
      assertArrayEquals(bytes(0x18, 0x21, 0x0B, 0x01, 0x00), reply.payload());
      assertTrue(light.isOn());

      // nobody at that address: "address not found"
      host.send(
          new ExplicitTransmitRequest(
              6, 0x1122334455667788L, 0x4321, 1, 1, 0x0006, 0x0104, 0, 0, bytes(0x01, 0x22, 0x00)));
      assertEquals(
          TransmitStatus.ADDRESS_NOT_FOUND,
          host.await(TransmitStatus.class, t -> t.frameId() == 6, "status").deliveryStatus());

      // a device out of range: "network ACK failure", no answer, counted; back with an announce
      light.setReachable(false);
      host.send(
          new ExplicitTransmitRequest(
              11, LIGHT, nwk, 1, 1, 0x0006, 0x0104, 0, 0, bytes(0x00, 0x23, 0x00, 0x00, 0x00)));
      assertEquals(
          TransmitStatus.NETWORK_ACK_FAILURE,
          host.await(TransmitStatus.class, t -> t.frameId() == 11, "status").deliveryStatus());
      assertEquals(1, light.missedFrames());
      assertEquals(0, light.readRequests(), "an unreachable device hears nothing");
      sim.deviceAnnounces(LIGHT);
      ExplicitRxIndicator again =
          host.await(ExplicitRxIndicator.class, r -> r.clusterId() == 0x0013, "the announce");
      assertEquals(nwk, again.source16());
      host.send(
          new ExplicitTransmitRequest(
              12, LIGHT, nwk, 1, 1, 0x0006, 0x0104, 0, 0, bytes(0x00, 0x24, 0x00, 0x00, 0x00)));
      host.await(
          ExplicitRxIndicator.class,
          r -> r.clusterId() == 0x0006 && r.payload()[2] == 0x01,
          "the Read Attributes Response");
      assertEquals(1, light.readRequests());
      assertEquals(List.of("FR", "SH", "XX"), sim.atCommandsFromHost());

      // a corrupt frame from the host is dropped and counted; the next one is answered
      byte[] corrupt = XBeeApiCodec.encode(new AtCommand(7, "SL", new byte[0]).frameData(), true);
      corrupt[corrupt.length - 1] ^= 0x01;
      host.sendRaw(corrupt);
      host.send(new AtCommand(8, "SL", new byte[0]));
      host.await(AtResponse.class, r -> r.frameId() == 8, "SL after a corrupt frame");
      assertEquals(1, sim.badFramesFromHost());
    }
  }

  @Test
  void dropsTheConnectionWithAFrameUnansweredWhenAsked() throws Exception {
    try (ZigbeeSimulator sim = ZigbeeSimulator.builder().startTcp(0)) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), sim.tcpPort())) {
        socket.setSoTimeout((int) WAIT.toMillis());
        sim.dropConnectionOnNextHostFrame();
        socket
            .getOutputStream()
            .write(XBeeApiCodec.encode(new AtCommand(9, "SH", new byte[0]).frameData(), true));
        InputStream in = socket.getInputStream();
        XBeeFrameDecoder decoder = new XBeeFrameDecoder(true);
        byte[] buf = new byte[256];
        int n;
        while ((n = in.read(buf)) >= 0) { // until the simulator closes the connection
          for (XBeeFrameDecoder.Result r : decoder.feed(buf, 0, n)) {
            if (r instanceof XBeeFrameDecoder.Result.Frame f) {
              assertTrue(
                  !(XBeeFrame.parse(f.frameData()) instanceof AtResponse),
                  "the frame in flight is not answered");
            }
          }
        }
      }
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), sim.tcpPort());
          Host host = new Host(socket.getInputStream(), socket.getOutputStream(), socket)) {
        host.send(new AtCommand(10, "SH", new byte[0]));
        host.await(AtResponse.class, r -> r.frameId() == 10, "SH on the next connection");
      }
    }
  }

  @Test
  void speaksOverASerialPty() throws Exception {
    try (SocatPty cable = SocatPty.create(tmp.resolve("dongle"), tmp.resolve("host"));
        ZigbeeSimulator sim =
            ZigbeeSimulator.builder().startSerial(cable.dongleEnd().toString(), 9600)) {
      SerialPort port = SerialPort.getCommPort(cable.hostEnd().toString());
      port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, 200, 0);
      assertTrue(port.openPort(), "open " + cable.hostEnd());
      port.flushIOBuffers();
      InputStream in =
          new InputStream() {
            @Override
            public int read() {
              throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b) {
              int n = 0;
              while (n == 0 && port.isOpen()) {
                n = port.readBytes(b, b.length);
              }
              return port.isOpen() ? n : -1;
            }
          };
      OutputStream out =
          new OutputStream() {
            @Override
            public void write(int b) {
              write(new byte[] {(byte) b});
            }

            @Override
            public void write(byte[] b) {
              port.writeBytes(b, b.length);
            }
          };
      try (Host host = new Host(in, out, port::closePort)) {
        handshake(host);
        host.send(new AtCommand(2, "CH", new byte[0]));
        assertArrayEquals(
            bytes(15), host.await(AtResponse.class, r -> r.frameId() == 2, "CH").data());
      }
      assertTrue(sim.framesFromHost() >= 2);
    }
  }
}
