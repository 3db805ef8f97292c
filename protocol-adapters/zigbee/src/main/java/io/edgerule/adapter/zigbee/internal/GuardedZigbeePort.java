package io.edgerule.adapter.zigbee.internal;

import com.zsmartsystems.zigbee.transport.ZigBeePort;
import io.edgerule.adapter.Backoff;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our {@link ZigBeePort} for the zsmartsystems library: a reader thread (made with the daemon's
 * thread factory) reads the line, passes the bytes through an {@link XBeeFrameGuard} and queues
 * only whole, valid frames for the library. A lost line is reopened with backoff; the library just
 * sees a quiet port meanwhile. Subclasses provide the line: serial (jSerialComm) or TCP.
 *
 * <p>A request the library sent whose answer the lost line took with it is answered with a failure
 * (see {@link PendingRequest}), so that the library does not hold its next requests for 10 s.
 *
 * <p>The library's {@code open()} returns a bare boolean; the reason is kept in {@link
 * #lastError()}.
 */
public abstract class GuardedZigbeePort implements ZigBeePort {
  private static final Logger log = LoggerFactory.getLogger(GuardedZigbeePort.class);
  private static final int MAX_QUEUED_FRAMES = 1000;

  private final ThreadFactory threadFactory;
  private final PortEvents events;
  private final Backoff backoff;
  private final XBeeFrameGuard guard;
  private final XBeeFrameGuard outbound;
  private final PendingRequest pending = new PendingRequest();
  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>(MAX_QUEUED_FRAMES);
  private final Object writeLock = new Object();
  private Frame current;
  private int currentPosition;

  /** A frame as the dongle sent it and as the library reads it. */
  private record Frame(byte[] frameData, byte[] wire) {}

  private volatile boolean connected;
  private volatile boolean closed;
  private volatile String lastError = "";
  private Thread reader;

  protected GuardedZigbeePort(ThreadFactory threadFactory, PortEvents events, Backoff backoff) {
    this.threadFactory = threadFactory;
    this.events = events;
    this.backoff = backoff;
    this.guard =
        new XBeeFrameGuard(
            new XBeeFrameGuard.Listener() {
              @Override
              public void frame(byte[] frameData) {
                events.frame(frameData);
                pending.received(frameData);
                if (!frames.offer(new Frame(frameData, XBeeFrameGuard.encode(frameData)))) {
                  events.dropped(
                      XBeeFrameGuard.Drop.BAD_LENGTH,
                      "receive queue full (" + MAX_QUEUED_FRAMES + " frames): the library stalls");
                }
              }

              @Override
              public void dropped(XBeeFrameGuard.Drop kind, String reason) {
                events.dropped(kind, reason);
              }
            });
    this.outbound =
        new XBeeFrameGuard(
            new XBeeFrameGuard.Listener() {
              @Override
              public void frame(byte[] frameData) {
                pending.sent(frameData);
                events.sent(frameData);
              }

              @Override
              public void dropped(XBeeFrameGuard.Drop kind, String reason) {
                log.debug("the library wrote a frame the guard cannot read: {}", reason);
              }
            });
  }

  /** Opens the line; throws with a message naming the port and the cause. */
  protected abstract void openLine() throws IOException;

  /**
   * Reads into {@code buffer}, blocking for at most a few hundred milliseconds.
   *
   * @return bytes read, 0 on timeout
   * @throws IOException when the line is lost
   */
  protected abstract int readLine(byte[] buffer) throws IOException;

  protected abstract void writeLine(byte[] bytes) throws IOException;

  protected abstract void closeLine();

  /** For logs: "serial /dev/ttyUSB0 @ 9600" or "tcp 192.168.1.20:6638". */
  public abstract String describe();

  /** Why the last open or read failed ("" if it did not). */
  public String lastError() {
    return lastError;
  }

  public boolean isConnected() {
    return connected;
  }

  /**
   * Opens the line and starts reading; true at once if it is already open (the stack opens it
   * before the library, which then opens it again). A failure is not logged here: the caller
   * reports {@link #lastError()} once per reason.
   */
  @Override
  public synchronized boolean open() {
    if (connected && !closed && reader != null && reader.isAlive()) {
      return true;
    }
    closed = false;
    try {
      openLine();
    } catch (IOException | RuntimeException e) {
      lastError = e.getMessage() == null ? e.toString() : e.getMessage();
      log.debug("cannot open {}: {}", describe(), lastError);
      return false;
    }
    connected = true;
    lastError = "";
    frames.clear();
    events.connected(describe());
    reader = threadFactory.newThread(this::readLoop);
    reader.setDaemon(true);
    reader.start();
    return true;
  }

  /** The library may ask for another speed or flow control; ours come from the config. */
  @Override
  public boolean open(int baudRate) {
    return open();
  }

  @Override
  public boolean open(int baudRate, FlowControl flowControl) {
    return open();
  }

  private void readLoop() {
    byte[] buffer = new byte[512];
    int attempt = 0;
    while (!closed) {
      if (!connected) {
        try {
          openLine();
          if (closed) { // closed while it was opening: the line must not outlive the port
            closeLine();
            break;
          }
          connected = true;
          attempt = 0;
          lastError = "";
          events.connected(describe());
        } catch (IOException | RuntimeException e) {
          lastError = e.getMessage() == null ? e.toString() : e.getMessage();
          LockSupport.parkNanos(backoff.delay(attempt++).toNanos()); // reconnect backoff
          continue;
        }
      }
      try {
        int n = readLine(buffer);
        if (n > 0) {
          guard.feed(buffer, 0, n);
        }
      } catch (IOException | RuntimeException e) {
        if (closed) {
          break;
        }
        connected = false;
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        closeLine();
        events.disconnected(lastError);
        answerLostRequest("the line was lost");
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    connected = false;
    closeLine();
    Thread r = reader;
    if (r != null && r != Thread.currentThread()) {
      r.interrupt();
      try {
        r.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    frames.clear();
  }

  @Override
  public void write(int value) {
    write(new int[] {value});
  }

  @Override
  public void write(int[] values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    synchronized (writeLock) {
      outbound.feed(bytes, 0, bytes.length);
      if (!connected) {
        log.debug("{} is not connected: {} bytes not sent", describe(), bytes.length);
        answerLostRequest("not sent: " + describe() + " is not connected");
        return;
      }
      try {
        writeLine(bytes);
      } catch (IOException | RuntimeException e) {
        log.warn("write to {} failed: {}", describe(), e.getMessage());
        answerLostRequest("not sent: " + e.getMessage());
      }
    }
  }

  /** Gives the library a failure answer to the request the dongle will not answer now. */
  private void answerLostRequest(String why) {
    String request = pending.describe();
    byte[] answer = pending.lost();
    if (answer == null) {
      return;
    }
    log.info(
        "{}: request {} will get no answer ({}); the library is told it failed",
        describe(),
        request,
        why);
    events.requestLost(request + ": " + why);
    if (!frames.offer(new Frame(answer, XBeeFrameGuard.encode(answer)))) {
      log.warn("{}: receive queue full, the library waits for its own timeout", describe());
    }
  }

  @Override
  public int read() {
    return read(100); // the library loops on -1; a short wait lets it notice shutdown
  }

  @Override
  public int read(int timeout) {
    if (current != null && currentPosition >= current.wire().length) {
      events.handled(current.frameData());
      current = null;
    }
    if (current == null) {
      try {
        Frame next = frames.poll(timeout, TimeUnit.MILLISECONDS);
        if (next == null) {
          return -1;
        }
        current = next;
        currentPosition = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return current.wire()[currentPosition++] & 0xFF;
  }

  @Override
  public void purgeRxBuffer() {
    frames.clear();
    current = null;
    currentPosition = 0;
  }
}
