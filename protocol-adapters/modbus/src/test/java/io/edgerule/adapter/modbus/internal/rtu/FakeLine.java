package io.edgerule.adapter.modbus.internal.rtu;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An in-memory RTU line with scripted slaves behind it: each unit turns a request frame into answer
 * bytes (or null: silence). Answers arrive at once in the read queue. The line can be absent (as a
 * USB adapter not yet plugged in) and can be lost (unplugged).
 *
 * <p>Time on this line is the reader's, not a timer thread's: a late answer ({@link #answerLate})
 * arrives right after the master has waited out a read and found the line silent, i.e. just after
 * its response timeout, however slowly the machine runs. A test that made a thread inject the bytes
 * 70 ms later depended on two threads being scheduled in time.
 */
final class FakeLine implements BusPort {
  /** A request as it was written, with the time it was written. */
  record Written(long nanos, byte[] frame) {
    int unit() {
      return frame[0] & 0xFF;
    }

    int functionCode() {
      return frame[1] & 0xFF;
    }
  }

  final Map<Integer, UnaryOperator<byte[]>> units = new ConcurrentHashMap<>();
  final List<Written> written = Collections.synchronizedList(new ArrayList<>());
  private final LinkedBlockingQueue<byte[]> rx = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<byte[]> late = new LinkedBlockingQueue<>();
  private volatile boolean masterGaveUp;
  volatile boolean present = true;
  volatile boolean lost;
  private volatile boolean open;
  volatile int opens;

  @Override
  public String endpoint() {
    return "/dev/fake";
  }

  @Override
  public void open() throws IOException {
    if (!present) {
      throw new IOException("port /dev/fake not present");
    }
    lost = false;
    rx.clear();
    late.clear();
    open = true;
    opens++;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void write(byte[] frame) throws IOException {
    check();
    written.add(new Written(System.nanoTime(), frame.clone()));
    UnaryOperator<byte[]> unit = units.get(frame[0] & 0xFF);
    byte[] answer = unit == null ? null : unit.apply(frame);
    if (answer != null) {
      rx.add(answer);
    }
  }

  /** Bytes on the line now, unasked (noise). */
  void inject(byte[] bytes) {
    rx.add(bytes);
  }

  /**
   * Bytes that arrive just too late: delivered by the first read after one that found the line
   * silent for its whole wait. Called by a scripted slave (inside {@link #write}) that answers
   * late, it puts the answer right behind the master's response timeout, in its drain.
   */
  void answerLate(byte[] bytes) {
    masterGaveUp = false;
    late.add(bytes);
  }

  @Override
  public int read(byte[] buffer, long waitNanos) throws IOException {
    check();
    byte[] next = masterGaveUp ? late.poll() : null;
    try {
      if (next == null) {
        next = waitNanos <= 0 ? rx.poll() : rx.poll(waitNanos, TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    check();
    if (next == null) {
      masterGaveUp = !late.isEmpty(); // the master waited in vain: late bytes come next
      return 0;
    }
    System.arraycopy(next, 0, buffer, 0, next.length);
    return next.length;
  }

  private void check() throws IOException {
    if (!open) {
      throw new IOException("port /dev/fake is not open");
    }
    if (lost) {
      open = false;
      throw new IOException("port /dev/fake lost (device node removed)");
    }
  }

  @Override
  public void close() {
    open = false;
  }

  List<Written> written(int unit) {
    synchronized (written) {
      return written.stream().filter(w -> w.unit() == unit).toList();
    }
  }

  // ------------------------------------------------------------------ scripted slaves

  /**
   * A slave with holding registers {@code 0..count-1} holding {@code base + address} and coils that
   * remember writes; reads outside answer exception 02.
   */
  static UnaryOperator<byte[]> registers(int base, int count) {
    int[] holding = new int[count];
    for (int i = 0; i < count; i++) {
      holding[i] = base + i;
    }
    boolean[] coils = new boolean[16];
    return request -> {
      int unit = request[0] & 0xFF;
      int fc = request[1] & 0xFF;
      int address = (request[2] & 0xFF) << 8 | request[3] & 0xFF;
      int value = (request[4] & 0xFF) << 8 | request[5] & 0xFF;
      synchronized (holding) {
        switch (fc) {
          case 3 -> {
            if (address + value > count) {
              return frame(unit, 0x83, 2);
            }
            byte[] pdu = new byte[2 + 2 * value];
            pdu[0] = 3;
            pdu[1] = (byte) (2 * value);
            for (int i = 0; i < value; i++) {
              pdu[2 + 2 * i] = (byte) (holding[address + i] >> 8);
              pdu[3 + 2 * i] = (byte) holding[address + i];
            }
            return frame(unit, pdu);
          }
          case 6 -> {
            if (address >= count) {
              return frame(unit, 0x86, 2);
            }
            holding[address] = value;
            return request.clone();
          }
          case 1 -> {
            byte[] pdu = new byte[] {1, (byte) ((value + 7) / 8), 0, 0};
            for (int i = 0; i < value; i++) {
              if (coils[address + i]) {
                pdu[2 + i / 8] |= (byte) (1 << (i % 8));
              }
            }
            return frame(unit, java.util.Arrays.copyOf(pdu, 2 + (value + 7) / 8));
          }
          case 5 -> {
            coils[address] = value == 0xFF00;
            return request.clone();
          }
          default -> {
            return frame(unit, fc | 0x80, 1);
          }
        }
      }
    };
  }

  static byte[] frame(int unit, int... pdu) {
    byte[] bytes = new byte[pdu.length];
    for (int i = 0; i < pdu.length; i++) {
      bytes[i] = (byte) pdu[i];
    }
    return frame(unit, bytes);
  }

  static byte[] frame(int unit, byte[] pdu) {
    byte[] f = new byte[pdu.length + 3];
    f[0] = (byte) unit;
    System.arraycopy(pdu, 0, f, 1, pdu.length);
    int crc = RtuCrc.of(f, 0, pdu.length + 1);
    f[pdu.length + 1] = (byte) crc;
    f[pdu.length + 2] = (byte) (crc >>> 8);
    return f;
  }
}
