package io.edgerule.sim.zigbee;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming XBee API frame decoder: feed it bytes as they arrive, get back whole frames and parse
 * errors as values (never exceptions), so one bad frame costs exactly that frame.
 *
 * <p>In API mode 2 a raw 7E can only be a start delimiter, so a 7E inside a frame means the frame
 * was truncated: it is reported and decoding restarts with the new frame. In API mode 1 the decoder
 * can only trust the length field.
 */
public final class XBeeFrameDecoder {

  /** What one completed (or abandoned) frame turned out to be. */
  public sealed interface Result {
    /** A frame with a valid checksum; {@code frameData} starts with the frame type. */
    record Frame(byte[] frameData) implements Result {}

    /** A frame whose checksum byte does not match its data. */
    record BadChecksum(byte[] frameData, int expected, int received) implements Result {
      @Override
      public String toString() {
        return String.format(
            "bad checksum %02X (expected %02X) on a frame of type %02X, %d bytes",
            received, expected, frameData[0] & 0xFF, frameData.length);
      }
    }

    /** A frame cut short by the next start delimiter. */
    record Truncated(int declaredLength, int receivedLength) implements Result {
      @Override
      public String toString() {
        return "truncated frame: " + receivedLength + " of " + declaredLength + " bytes";
      }
    }

    /** A length field of 0 or above {@link XBeeApiCodec#MAX_FRAME_DATA}. */
    record BadLength(int declaredLength) implements Result {
      @Override
      public String toString() {
        return "frame length " + declaredLength + " out of range";
      }
    }
  }

  private enum State {
    WAIT_START,
    LENGTH_HIGH,
    LENGTH_LOW,
    DATA,
    CHECKSUM
  }

  private final boolean escaped;
  private State state = State.WAIT_START;
  private boolean escapeNext;
  private int length;
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();

  /**
   * @param escaped true for API mode 2
   */
  public XBeeFrameDecoder(boolean escaped) {
    this.escaped = escaped;
  }

  public List<Result> feed(byte[] bytes) {
    return feed(bytes, 0, bytes.length);
  }

  public List<Result> feed(byte[] bytes, int offset, int count) {
    List<Result> results = new ArrayList<>(1);
    for (int i = offset; i < offset + count; i++) {
      Result r = feed(bytes[i] & 0xFF);
      if (r != null) {
        results.add(r);
      }
    }
    return results;
  }

  /** Feeds one byte; returns a result when this byte completes or abandons a frame. */
  public Result feed(int value) {
    Result abandoned = null;
    if (escaped && value == XBeeApiCodec.START_DELIMITER) {
      if (state != State.WAIT_START) {
        abandoned = new Result.Truncated(length, data.size());
      }
      startFrame();
      return abandoned;
    }
    if (state == State.WAIT_START) {
      if (value == XBeeApiCodec.START_DELIMITER) {
        startFrame();
      }
      return null;
    }
    if (escaped) {
      if (escapeNext) {
        escapeNext = false;
        value ^= XBeeApiCodec.ESCAPE_XOR;
      } else if (value == XBeeApiCodec.ESCAPE) {
        escapeNext = true;
        return null;
      }
    }
    switch (state) {
      case LENGTH_HIGH -> {
        length = value << 8;
        state = State.LENGTH_LOW;
      }
      case LENGTH_LOW -> {
        length |= value;
        if (length == 0 || length > XBeeApiCodec.MAX_FRAME_DATA) {
          state = State.WAIT_START;
          return new Result.BadLength(length);
        }
        state = State.DATA;
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
        int expected = XBeeApiCodec.checksum(frameData);
        return expected == value
            ? new Result.Frame(frameData)
            : new Result.BadChecksum(frameData, expected, value);
      }
      default -> throw new IllegalStateException("unreachable: " + state);
    }
    return null;
  }

  private void startFrame() {
    state = State.LENGTH_HIGH;
    escapeNext = false;
    length = 0;
    data.reset();
  }
}
