package io.edgerule.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What reaches the socket, and in how many writes, when Paho writes and flushes packet by packet.
 */
class WriteCoalescerTest {

  /** The socket: records each write (one system call each). */
  private static final class Socket extends OutputStream {
    final List<byte[]> writes = new ArrayList<>();

    @Override
    public void write(int b) {
      writes.add(new byte[] {(byte) b});
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes.add(Arrays.copyOfRange(b, off, off + len));
    }

    byte[] all() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      writes.forEach(out::writeBytes);
      return out.toByteArray();
    }
  }

  // PUBLISH QoS 0 to "t/1", payload "42": fixed header 0x30, remaining length 7,
  // topic length 0 3, "t/1", payload "42"
  private static final byte[] QOS0 = {0x30, 7, 0, 3, 't', '/', '1', '4', '2'};
  // PUBLISH QoS 1: 0x32, remaining length 9, topic length, "t/1", packet id 0 1, "42"
  private static final byte[] QOS1 = {0x32, 9, 0, 3, 't', '/', '1', 0, 1, '4', '2'};
  // PINGREQ: 0xC0, remaining length 0
  private static final byte[] PING = {(byte) 0xC0, 0};

  private final WriteCoalescer writes = new WriteCoalescer();
  private final Socket socket = new Socket();
  private final OutputStream paho = writes.wrap(socket);

  /** What Paho's sender does per message: write the packet, flush. */
  private void send(byte[] packet) throws IOException {
    paho.write(packet, 0, packet.length);
    paho.flush();
  }

  @Test
  void withoutAHoldEachPublishIsWrittenAtItsFlush() throws IOException {
    send(QOS0);
    send(QOS0);
    assertEquals(2, socket.writes.size());
    assertArrayEquals(QOS0, socket.writes.get(0));
  }

  @Test
  void heldQos0PublishesLeaveInOneWriteAtTheRelease() throws IOException {
    writes.hold();
    for (int i = 0; i < 5; i++) {
      writes.handingOver();
      send(QOS0);
    }
    assertEquals(0, socket.writes.size(), "held while the caller publishes");
    writes.release();
    assertEquals(1, socket.writes.size());
    assertEquals(5 * QOS0.length, socket.all().length);
  }

  @Test
  void publishesHandedToPahoButNotWrittenYetHoldTheFlushWithoutAHold() throws IOException {
    writes.handingOver();
    writes.handingOver();
    send(QOS0); // a second one is in Paho's queue: its flush will write both
    assertEquals(0, socket.writes.size());
    send(QOS0);
    assertEquals(1, socket.writes.size());
    assertEquals(2 * QOS0.length, socket.all().length);
  }

  @Test
  void aReleaseWhilePahoStillHasPublishesLeavesTheWriteToItsLastFlush() throws IOException {
    writes.hold();
    writes.handingOver();
    writes.handingOver();
    send(QOS0);
    writes.release(); // one more is on its way: the sender's next flush writes both
    assertEquals(0, socket.writes.size());
    send(QOS0);
    assertEquals(1, socket.writes.size());
  }

  @Test
  void aPublishPahoRefusedDoesNotKeepTheOthersWaiting() throws IOException {
    writes.handingOver();
    writes.handingOver();
    send(QOS0);
    assertEquals(0, socket.writes.size());
    writes.notTaken(); // the second one: refused (window full, not connected)
    assertEquals(1, socket.writes.size());
  }

  @Test
  void qos1PublishesAndOtherPacketsAreWrittenAtOnceWithWhatIsHeld() throws IOException {
    writes.hold();
    writes.handingOver();
    send(QOS0);
    writes.handingOver();
    send(QOS1); // Paho's in-flight window may wait for its PUBACK
    assertEquals(1, socket.writes.size());
    assertEquals(QOS0.length + QOS1.length, socket.all().length);
    send(PING);
    assertEquals(2, socket.writes.size());
    assertArrayEquals(PING, socket.writes.get(1));
  }

  @Test
  void packetsSplitAcrossWritesAreFollowed() throws IOException {
    // a QoS 1 publish of 200 bytes (remaining length in two bytes: 0xC8 0x01), written in pieces
    byte[] big = new byte[203];
    big[0] = 0x32;
    big[1] = (byte) 0xC8;
    big[2] = 0x01;
    writes.hold();
    paho.write(big, 0, 2);
    paho.write(big, 2, 100);
    paho.write(big, 102, 101);
    paho.flush();
    assertEquals(1, socket.writes.size(), "not held: QoS 1");
    writes.handingOver();
    send(QOS0); // framing found the start of the next packet
    assertEquals(1, socket.writes.size(), "held: QoS 0 under a hold");
    writes.release();
    assertEquals(2, socket.writes.size());
  }

  @Test
  void atMostMaxHeldBytesAreHeld() throws IOException {
    writes.hold();
    int n = WriteCoalescer.MAX_HELD / QOS0.length + 1;
    for (int i = 0; i < n; i++) {
      writes.handingOver();
      send(QOS0);
    }
    assertEquals(1, socket.writes.size(), "written when the next one did not fit");
    writes.release();
    assertEquals(n * QOS0.length, socket.all().length, "every byte once, in order");
  }

  @Test
  void aNewConnectionForgetsWhatTheOldOneNeverWrote() throws IOException {
    writes.handingOver(); // two that Paho dropped with the old connection
    writes.handingOver();
    Socket next = new Socket();
    OutputStream out = writes.wrap(next);
    writes.handingOver();
    out.write(QOS0, 0, QOS0.length);
    out.flush(); // the only one Paho has: nothing follows it
    assertEquals(1, next.writes.size());
  }
}
