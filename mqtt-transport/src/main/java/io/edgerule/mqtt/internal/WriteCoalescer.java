package io.edgerule.mqtt.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets Paho's sender write several QoS 0 publishes with one system call. Paho writes and flushes
 * every message on its own (one {@code write} per message: on loopback the sending thread also pays
 * for the broker's side of TCP). The socket stream made here holds a flush back while more
 * publishes are sure to follow it, and writes them out together:
 *
 * <ul>
 *   <li>while publishes were handed to Paho that the stream has not seen yet ({@link
 *       #handingOver()}): Paho's sender writes them next, and flushes again after each;
 *   <li>while a caller publishing many messages in a row has {@link #hold() held} the writes, until
 *       it {@link #release() releases} them (when it has nothing more to send right now).
 * </ul>
 *
 * Only QoS 0 PUBLISH packets are ever held: anything else (CONNECT, PINGREQ, SUBSCRIBE, QoS 1
 * publishes, whose PUBACK Paho's in-flight window may wait for) writes out what is held at once. At
 * most {@link #MAX_HELD} bytes are held. A QoS 0 publish completes when Paho has flushed it, which
 * may now be into this hold: like one in the kernel's send buffer, it is lost if the connection
 * breaks before it leaves (QoS 0 promises no more).
 *
 * <p>One per Paho client; each connection's socket gets a new stream from {@link #wrap}.
 */
public final class WriteCoalescer {
  /** Held bytes beyond which the stream writes out at once. */
  static final int MAX_HELD = 8 * 1024;

  // Publishes handed to Paho and not yet seen by the current stream. Counted up before Paho
  // takes a message (and down again if it refuses it), so while it is above zero the sender is
  // sure to write another publish. Reset with each new connection: what Paho dropped with the
  // old one is never written.
  private final AtomicInteger unseen = new AtomicInteger();
  private volatile boolean held;
  private volatile Stream current;

  /** A publish is about to be handed to Paho; call {@link #notTaken()} if Paho refuses it. */
  public void handingOver() {
    unseen.incrementAndGet();
  }

  /** Paho did not take the publish announced by {@link #handingOver()}. */
  public void notTaken() {
    seenOrDropped();
    if (!held) {
      Stream s = current;
      if (s != null) {
        try {
          s.released(); // the sender may have held its last flush for this publish
        } catch (IOException e) {
          // the connection is breaking: Paho's sender finds out on its next write
        }
      }
    }
  }

  /** Until {@link #release()}, flushes of QoS 0 publishes may be held (bounded). */
  public void hold() {
    held = true;
  }

  /** Ends a {@link #hold()}: what is held is written now unless Paho's sender still writes more. */
  public void release() throws IOException {
    held = false;
    Stream s = current;
    if (s != null) {
      s.released();
    }
  }

  /** The stream Paho writes a new connection's packets to, over {@code socket}'s own. */
  public OutputStream wrap(OutputStream socket) {
    unseen.set(0);
    Stream s = new Stream(socket);
    current = s;
    return s;
  }

  private void seenOrDropped() {
    unseen.getAndUpdate(n -> n > 0 ? n - 1 : 0);
  }

  /** Holds back flushes of QoS 0 publishes while more are sure to follow; see the class. */
  private final class Stream extends OutputStream {
    private final OutputStream socket;
    private final byte[] buffer = new byte[MAX_HELD];
    private int count;
    private boolean onlyQos0Publishes = true; // of the bytes in buffer
    // The MQTT packet framing of what passes: the fixed header's first byte, then the remaining
    // length (1-4 bytes of 7 bits), then that many bytes.
    private int bodyLeft;
    private boolean inLength;
    private int length;
    private int lengthShift;
    private boolean packetHoldable = true; // the packet the framing is in

    Stream(OutputStream socket) {
      this.socket = socket;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      boolean holdable = frame(b, off, len);
      if (len > buffer.length - count) {
        writeOut();
        if (len > buffer.length) {
          socket.write(b, off, len);
          return;
        }
      }
      System.arraycopy(b, off, buffer, count, len);
      count += len;
      onlyQos0Publishes &= holdable;
    }

    @Override
    public synchronized void flush() throws IOException {
      boolean atPacketEnd = bodyLeft == 0 && !inLength;
      if (count > 0 && onlyQos0Publishes && atPacketEnd && (held || unseen.get() > 0)) {
        return; // more publishes follow; the flush after the last of them writes them all
      }
      writeOut();
      socket.flush();
    }

    synchronized void released() throws IOException {
      if (count > 0 && unseen.get() == 0) {
        writeOut();
        socket.flush();
      }
    }

    private void writeOut() throws IOException {
      if (count > 0) {
        int n = count;
        count = 0;
        onlyQos0Publishes = true;
        socket.write(buffer, 0, n);
      }
    }

    /** Follows the packets in {@code b}; false when any byte belongs to one that is not held. */
    private boolean frame(byte[] b, int off, int len) {
      boolean holdable = (bodyLeft == 0 && !inLength) || packetHoldable;
      int i = off;
      int end = off + len;
      while (i < end) {
        if (bodyLeft > 0) {
          int skip = Math.min(bodyLeft, end - i);
          bodyLeft -= skip;
          i += skip;
        } else if (inLength) {
          int v = b[i++] & 0xFF;
          length |= (v & 0x7F) << lengthShift;
          lengthShift += 7;
          if ((v & 0x80) == 0) {
            inLength = false;
            bodyLeft = length;
          }
        } else {
          int first = b[i++] & 0xFF;
          boolean publish = first >>> 4 == 3;
          if (publish) {
            seenOrDropped();
          }
          packetHoldable = publish && (first & 0x06) == 0; // QoS bits 0
          holdable &= packetHoldable;
          inLength = true;
          length = 0;
          lengthShift = 0;
        }
      }
      return holdable;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
