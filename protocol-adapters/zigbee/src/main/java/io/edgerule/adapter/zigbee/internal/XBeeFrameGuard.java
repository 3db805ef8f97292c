package io.edgerule.adapter.zigbee.internal;

import java.io.ByteArrayOutputStream;

/**
 * Re-frames the XBee API mode 2 byte stream between the dongle and the Zigbee library so that the
 * library only ever sees whole frames with valid checksums.
 *
 * <p>Why: the library's XBee parser (zsmartsystems 1.4.16.1 {@code XBeeFrameHandler}) does not
 * resynchronise on a start delimiter inside a frame, so a truncated frame swallows the next, good
 * one. In API mode 2 a raw 7E can only start a frame, so this guard detects the cut, reports it and
 * starts over. Pure: bytes in, {@link Listener} calls out.
 */
public final class XBeeFrameGuard {
  static final int START = 0x7E;
  static final int ESCAPE = 0x7D;
  static final int XON = 0x11;
  static final int XOFF = 0x13;
  static final int MAX_FRAME_DATA = 1024;

  /** What the guard finds in the stream. */
  public interface Listener {
    /** A whole frame with a valid checksum; {@code frameData} starts with the frame type. */
    void frame(byte[] frameData);

    /** A frame that was dropped, with a reason a person can act on. */
    void dropped(Drop kind, String reason);
  }

  /** Why a frame was dropped (also the health counter names). */
  public enum Drop {
    CHECKSUM_ERROR,
    TRUNCATED_FRAME,
    BAD_LENGTH
  }

  private enum State {
    WAIT_START,
    LENGTH_HIGH,
    LENGTH_LOW,
    DATA,
    CHECKSUM
  }

  private final Listener listener;
  private State state = State.WAIT_START;
  private boolean escapeNext;
  private int length;
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();

  public XBeeFrameGuard(Listener listener) {
    this.listener = listener;
  }

  public void feed(byte[] bytes, int offset, int count) {
    if (offset < 0 || count < 0 || offset > bytes.length - count) {
      throw new IllegalArgumentException(
          "bytes " + offset + "+" + count + " are outside a chunk of " + bytes.length);
    }
    for (int i = offset; i < offset + count; i++) {
      feed(bytes[i] & 0xFF);
    }
  }

  public void feed(int value) {
    if (value == START) {
      if (state != State.WAIT_START) {
        // say where the frame was cut: "0 of 0 data bytes" for a cut length told nothing
        String cut =
            switch (state) {
              case LENGTH_HIGH, LENGTH_LOW -> "no length";
              case CHECKSUM -> length + " data bytes but no checksum";
              default -> data.size() + " of " + length + " data bytes";
            };
        listener.dropped(
            Drop.TRUNCATED_FRAME, "truncated frame: " + cut + " before the next start");
      }
      state = State.LENGTH_HIGH;
      escapeNext = false;
      length = 0;
      data.reset();
      return;
    }
    if (state == State.WAIT_START) {
      return; // noise between frames
    }
    if (escapeNext) {
      escapeNext = false;
      value ^= 0x20;
    } else if (value == ESCAPE) {
      escapeNext = true;
      return;
    }
    switch (state) {
      case LENGTH_HIGH -> {
        length = value << 8;
        state = State.LENGTH_LOW;
      }
      case LENGTH_LOW -> {
        length |= value;
        if (length == 0 || length > MAX_FRAME_DATA) {
          state = State.WAIT_START;
          listener.dropped(Drop.BAD_LENGTH, "frame length " + length + " out of range");
        } else {
          state = State.DATA;
        }
      }
      case DATA -> {
        data.write(value);
        if (data.size() == length) {
          state = State.CHECKSUM;
        }
      }
      case CHECKSUM -> {
        state = State.WAIT_START;
        byte[] frameData = data.toByteArray();
        int expected = checksum(frameData);
        if (expected == value) {
          listener.frame(frameData);
        } else {
          listener.dropped(
              Drop.CHECKSUM_ERROR,
              String.format(
                  "checksum %02X, expected %02X, on a frame of type %02X (%d bytes)",
                  value, expected, frameData[0] & 0xFF, frameData.length));
        }
      }
      default -> throw new IllegalStateException("unreachable: " + state);
    }
  }

  /** {@code 0xFF - (sum of frame data & 0xFF)}. */
  public static int checksum(byte[] frameData) {
    int sum = 0;
    for (byte b : frameData) {
      sum += b & 0xFF;
    }
    return 0xFF - (sum & 0xFF);
  }

  /**
   * Frames {@code frameData} again for the library: start, length, escaped data and checksum.
   *
   * @throws IllegalArgumentException for frame data the length field cannot carry (0 or above 65535
   *     bytes): written anyway, the length would be cut and the frame unreadable
   */
  public static byte[] encode(byte[] frameData) {
    if (frameData.length < 1 || frameData.length > 0xFFFF) {
      throw new IllegalArgumentException(
          "an XBee frame has 1..65535 data bytes, got " + frameData.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(frameData.length + 8);
    out.write(START);
    escaped(out, frameData.length >> 8);
    escaped(out, frameData.length & 0xFF);
    for (byte b : frameData) {
      escaped(out, b & 0xFF);
    }
    escaped(out, checksum(frameData));
    return out.toByteArray();
  }

  private static void escaped(ByteArrayOutputStream out, int value) {
    if (value == START || value == ESCAPE || value == XON || value == XOFF) {
      out.write(ESCAPE);
      out.write(value ^ 0x20);
    } else {
      out.write(value);
    }
  }
}
