package io.edgerule.mqtt.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * Holds back the first read of a connection until something has been written to it (Paho's
 * CONNECT), or the socket is closed.
 *
 * <p>Why: Paho 1.2.5's connect thread starts the receiver and then polls, without end and
 * swallowing interrupts, until it sees the receiver running. When the broker closes the connection
 * at once (a TLS 1.3 broker refusing our client certificate sends its alert right after the
 * handshake; a broker at its connection limit), the receiver reads the end of the stream and stops
 * before the connect thread looks, and the connect thread polls forever
 * (eclipse-paho/paho.mqtt.java#850): one leaked thread per failed attempt. A broker sends nothing
 * before it has our CONNECT, and Paho writes CONNECT only after the connect thread saw the receiver
 * running, so gating the first read on the first write closes that window without changing what is
 * read.
 */
final class ConnectGate {
  private final Object lock = new Object();
  private boolean open;
  private boolean closed;

  void open() {
    synchronized (lock) {
      open = true;
      lock.notifyAll();
    }
  }

  void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
  }

  boolean isOpen() {
    synchronized (lock) {
      return open;
    }
  }

  /** Waits like a socket read: up to {@code soTimeoutMillis} (0: no limit), then times out. */
  void await(int soTimeoutMillis) throws IOException {
    synchronized (lock) {
      long deadline = System.nanoTime() + soTimeoutMillis * 1_000_000L;
      while (!open) {
        if (closed) {
          throw new SocketException("Socket closed");
        }
        long left = soTimeoutMillis == 0 ? 0 : (deadline - System.nanoTime()) / 1_000_000L;
        if (soTimeoutMillis != 0 && left <= 0) {
          throw new SocketTimeoutException("no data before CONNECT was written");
        }
        try {
          lock.wait(soTimeoutMillis == 0 ? 0 : left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted waiting for CONNECT");
        }
      }
    }
  }

  interface SoTimeout {
    int get() throws SocketException;
  }

  InputStream input(InputStream in, SoTimeout soTimeout) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        await(soTimeout.get());
        return super.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        await(soTimeout.get());
        return super.read(b, off, len);
      }

      @Override
      public int available() throws IOException {
        return isOpen() ? super.available() : 0;
      }
    };
  }

  /** Looks, before our first write, whether the peer has already refused the connection. */
  interface Probe {
    /** Throws the peer's refusal if one is waiting; returns otherwise. */
    void check() throws IOException;
  }

  OutputStream output(OutputStream out) {
    return output(out, () -> {});
  }

  /**
   * The write side: the first write opens the gate, after {@code probe} has found no refusal. When
   * the probe finds one, the gate stays shut and the refusal is thrown from the write, so Paho
   * reports that refusal rather than whatever its receiver would read next.
   */
  OutputStream output(OutputStream out, Probe probe) {
    return new OutputStream() {
      private boolean probed;

      private void beforeWrite() throws IOException {
        if (!probed) {
          probed = true;
          probe.check();
        }
      }

      @Override
      public void write(int b) throws IOException {
        beforeWrite();
        try {
          out.write(b);
        } finally {
          open();
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        beforeWrite();
        try {
          out.write(b, off, len);
        } finally {
          open();
        }
      }

      @Override
      public void flush() throws IOException {
        beforeWrite();
        try {
          out.flush();
        } finally {
          open();
        }
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }
}
