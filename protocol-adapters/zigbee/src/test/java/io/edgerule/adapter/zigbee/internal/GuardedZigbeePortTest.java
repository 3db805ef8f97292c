package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The port as the library uses it, on an in-memory line that can be cut: a request whose answer the
 * line took with it is answered with a failure, so the library's one-at-a-time frame handler goes
 * on at once.
 */
class GuardedZigbeePortTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Object CUT = new Object();

  private final List<String> lost = new CopyOnWriteArrayList<>();
  private final AtomicInteger connects = new AtomicInteger();
  private final PortEvents events =
      new PortEvents() {
        @Override
        public void frame(byte[] frameData) {}

        @Override
        public void handled(byte[] frameData) {}

        @Override
        public void dropped(XBeeFrameGuard.Drop kind, String reason) {}

        @Override
        public void requestLost(String description) {
          lost.add(description);
        }

        @Override
        public void connected(String description) {
          connects.incrementAndGet();
        }

        @Override
        public void disconnected(String reason) {}
      };
  private final MemoryLine line = new MemoryLine(events);

  /** A line in memory: the test feeds what the dongle sends, or cuts it. */
  private static final class MemoryLine extends GuardedZigbeePort {
    final BlockingQueue<Object> fromDongle = new LinkedBlockingQueue<>();
    final List<byte[]> toDongle = new CopyOnWriteArrayList<>();
    volatile boolean reachable = true;

    MemoryLine(PortEvents events) {
      super(Thread::new, events, new Backoff(Duration.ofMillis(20), Duration.ofMillis(50), 2));
    }

    @Override
    protected void openLine() throws IOException {
      if (!reachable) {
        throw new IOException("memory line unreachable");
      }
    }

    @Override
    protected int readLine(byte[] buffer) throws IOException {
      Object next;
      try {
        next = fromDongle.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        throw new IOException("interrupted");
      }
      if (next == null) {
        return 0;
      }
      if (next == CUT) {
        throw new IOException("memory line cut");
      }
      byte[] bytes = (byte[]) next;
      System.arraycopy(bytes, 0, buffer, 0, bytes.length);
      return bytes.length;
    }

    @Override
    protected void writeLine(byte[] bytes) {
      toDongle.add(bytes);
    }

    @Override
    protected void closeLine() {}

    @Override
    public String describe() {
      return "memory line";
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] transmit(int frameId) {
    return bytes(
        0x11, frameId, 0x00, 0x12, 0x4B, 0x00, 0x01, 0xAB, 0xCD, 0x04, 0x12, 0x34, 0x01, 0x01, 0x00,
        0x06, 0x01, 0x04, 0x00, 0x00, 0x01, 0x05, 0x01); // On to a light
  }

  /** The library writes a frame, as its frame handler does: one int[] with the whole frame. */
  private void libraryWrites(byte[] frameData) {
    byte[] wire = XBeeFrameGuard.encode(frameData);
    int[] values = new int[wire.length];
    for (int i = 0; i < wire.length; i++) {
      values[i] = wire[i] & 0xFF;
    }
    line.write(values);
  }

  /** The next frame the library reads, as frame data. */
  private byte[] libraryReads() {
    List<byte[]> got = new ArrayList<>();
    XBeeFrameGuard parser =
        new XBeeFrameGuard(
            new XBeeFrameGuard.Listener() {
              @Override
              public void frame(byte[] frameData) {
                got.add(frameData);
              }

              @Override
              public void dropped(XBeeFrameGuard.Drop kind, String reason) {
                fail("the library was given a bad frame: " + reason);
              }
            });
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (got.isEmpty()) {
      if (System.nanoTime() > deadline) {
        fail("the library read no frame within " + WAIT);
      }
      int value = line.read(100);
      if (value >= 0) {
        parser.feed(value);
      }
    }
    return got.get(0);
  }

  private void awaitConnects(int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (connects.get() < n) {
      if (System.nanoTime() > deadline) {
        fail("not connected " + n + " times within " + WAIT);
      }
      TimeUnit.MILLISECONDS.sleep(5); // polling interval, not synchronisation
    }
  }

  private void awaitDisconnected() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (line.isConnected()) {
      if (System.nanoTime() > deadline) {
        fail("still connected after " + WAIT);
      }
      TimeUnit.MILLISECONDS.sleep(5); // polling interval, not synchronisation
    }
  }

  @AfterEach
  void close() {
    line.close();
  }

  @Test
  void aRequestLostWithTheLineIsAnsweredWithAFailure() {
    assertTrue(line.open());
    libraryWrites(transmit(5));
    assertEquals(1, line.toDongle.size(), "sent to the dongle");
    line.reachable = false;
    line.fromDongle.add(CUT);
    assertArrayEquals(bytes(0x8B, 0x05, 0xFF, 0xFE, 0x00, 0x21, 0x00), libraryReads());
    assertEquals(List.of("0x11 #5: the line was lost"), lost);
  }

  @Test
  void whileTheLineIsDownEveryRequestFailsAtOnce() throws InterruptedException {
    assertTrue(line.open());
    line.reachable = false;
    line.fromDongle.add(CUT);
    awaitDisconnected();
    libraryWrites(bytes(0x08, 0x06, 0x53, 0x48)); // AT SH
    assertArrayEquals(bytes(0x88, 0x06, 0x53, 0x48, 0x01), libraryReads()); // SH ERROR
    libraryWrites(transmit(7));
    assertArrayEquals(bytes(0x8B, 0x07, 0xFF, 0xFE, 0x00, 0x21, 0x00), libraryReads());
    assertTrue(line.toDongle.isEmpty(), "nothing reached the dongle");
    assertEquals(2, lost.size(), lost.toString());
  }

  @Test
  void anAnsweredRequestIsNotAnsweredAgainWhenTheLineGoes() throws InterruptedException {
    assertTrue(line.open());
    awaitConnects(1);
    libraryWrites(transmit(9));
    byte[] status = bytes(0x8B, 0x09, 0x12, 0x34, 0x00, 0x00, 0x00);
    line.fromDongle.add(XBeeFrameGuard.encode(status));
    assertArrayEquals(status, libraryReads());
    line.fromDongle.add(CUT);
    awaitConnects(2); // reopened after the cut: the cut has been handled by then
    assertEquals(List.of(), lost);
    assertEquals(-1, line.read(1), "nothing made up for the library");
  }
}
