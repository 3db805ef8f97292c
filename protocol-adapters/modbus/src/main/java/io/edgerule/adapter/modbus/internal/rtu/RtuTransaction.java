package io.edgerule.adapter.modbus.internal.rtu;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One request/response exchange on an RTU line, as a state machine over received bytes and time.
 * Pure: the bus feeds it what the port delivered ({@link #onBytes}) and the time ({@link #onTime})
 * and reads {@link #wakeAt()} to know how long it may wait for more bytes.
 *
 * <ol>
 *   <li><b>Awaiting</b> the answer until the deadline. Frames are found by their length (from the
 *       function code and byte count) and CRC, at any offset: bytes before a valid answer are
 *       garbage (noise, a glitch at the start), not a reason to lose the answer. Only a frame from
 *       the addressed unit with the request's function code (or its exception code) is the answer;
 *       valid frames of other units are counted as foreign. With {@code echo} (adapters that hear
 *       their own transmission) the request's own bytes are dropped first.
 *   <li>A complete candidate with a wrong CRC ends the exchange as a CRC error once the line has
 *       been quiet for {@code quietNanos} (more bytes might still hold a valid frame).
 *   <li>When the deadline passes, the exchange <b>drains</b> for up to {@code drainNanos}: a
 *       response that arrives now is late, is counted, and is never taken as the answer to the next
 *       request (which, after a timeout, is often the same request again). The drain ends early
 *       once a late frame has arrived and the line is quiet again.
 * </ol>
 */
public final class RtuTransaction {

  /** How the exchange ended. */
  public sealed interface Outcome {
    /** The addressed unit answered: a complete frame with a valid CRC (normal or exception). */
    record Answer(byte[] frame) implements Outcome {}

    /** A frame from the addressed unit arrived with a wrong CRC. */
    record CrcError(String frameHex) implements Outcome {}

    /** The answer started but stopped short. */
    record Incomplete(int have, int need) implements Outcome {}

    /** Nothing usable arrived before the deadline. */
    record NoAnswer() implements Outcome {}
  }

  /**
   * A frame that arrived after the deadline.
   *
   * @param unitId the unit it came from
   * @param afterNanos how long after the request was sent it was complete
   * @param answer whether it was from the addressed unit with the request's function code
   */
  public record Late(int unitId, long afterNanos, boolean answer) {}

  private enum Phase {
    AWAITING,
    DRAINING,
    DONE
  }

  private static final int BUFFER = 4 * RtuFrames.MAX_FRAME;

  /**
   * Received bytes are looked at in steps of at most one frame. The buffers keep only the newest
   * {@link #BUFFER} bytes, so a chunk holding a frame and then a long run of noise would otherwise
   * push the frame out before it was ever looked at.
   */
  private static final int STEP = RtuFrames.MAX_FRAME;

  private final int unitId;
  private final int functionCode;
  private final byte[] echo;
  private final long sentAt;
  private final long deadline;
  private final long drainNanos;
  private final long quietNanos;

  private Phase phase = Phase.AWAITING;
  private Outcome outcome;
  private Outcome pending;
  private int echoMatched;
  private final byte[] rx = new byte[BUFFER];
  private int rxLength;
  private final byte[] late = new byte[BUFFER];
  private int lateLength;
  private long lastByteAt;
  private boolean crcSuspect;
  private long drainUntil;
  private Late lateFrame;
  private int answerStart = -1;
  private int answerLength;
  private int overflowBytes;

  /**
   * @param unitId the addressed unit
   * @param functionCode the request's function code
   * @param echo the request frame when the line echoes it back, else null
   * @param sentAt when the request was written (nanos, the caller's clock)
   * @param deadline when the answer must be complete
   * @param drainNanos how long to keep listening for a late answer after the deadline
   * @param quietNanos line silence that ends a frame (a CRC verdict, a drain)
   */
  public RtuTransaction(
      int unitId,
      int functionCode,
      byte[] echo,
      long sentAt,
      long deadline,
      long drainNanos,
      long quietNanos) {
    this.unitId = unitId;
    this.functionCode = functionCode;
    this.echo = echo == null ? new byte[0] : echo.clone();
    this.sentAt = sentAt;
    this.deadline = deadline;
    this.drainNanos = drainNanos;
    this.quietNanos = quietNanos;
    this.lastByteAt = sentAt;
  }

  public boolean done() {
    return phase == Phase.DONE;
  }

  /** The result; null until {@link #done()}. */
  public Outcome outcome() {
    return outcome;
  }

  /** The late frame seen while draining, or null. */
  public Late late() {
    return lateFrame;
  }

  /** When the caller should call {@link #onTime} again at the latest. */
  public long wakeAt() {
    return switch (phase) {
      case AWAITING -> crcSuspect ? Math.min(deadline, lastByteAt + quietNanos) : deadline;
      case DRAINING ->
          lateFrame != null ? Math.min(drainUntil, lastByteAt + quietNanos) : drainUntil;
      case DONE -> Long.MIN_VALUE;
    };
  }

  public void onBytes(byte[] data, int offset, int length, long now) {
    if (length > 0 && (offset < 0 || offset > data.length - length)) {
      throw new IllegalArgumentException(
          "bytes " + offset + "+" + length + " are outside a chunk of " + data.length);
    }
    if (phase == Phase.DONE || length <= 0) {
      return;
    }
    lastByteAt = now;
    int i = offset;
    int end = offset + length;
    if (phase == Phase.DRAINING) {
      while (i < end) {
        int n = lateFrame == null ? Math.min(STEP, end - i) : end - i;
        lateLength = append(late, lateLength, data, i, n);
        i += n;
        if (lateFrame == null) {
          findLateFrame(now);
        }
      }
      return;
    }
    while (echoMatched < echo.length && i < end) {
      if (data[i] == echo[echoMatched]) {
        echoMatched++;
        i++;
      } else { // no (more) echo: what matched so far may be the start of the answer
        rxLength = append(rx, rxLength, echo, 0, echoMatched);
        echoMatched = echo.length;
      }
    }
    while (i < end && phase == Phase.AWAITING) {
      int n = Math.min(STEP, end - i);
      rxLength = append(rx, rxLength, data, i, n);
      i += n;
      findAnswer();
    }
    overflowBytes += end - i; // what followed the answer in this chunk
  }

  public void onTime(long now) {
    switch (phase) {
      case AWAITING -> {
        if (crcSuspect && now - (lastByteAt + quietNanos) >= 0) {
          finish(crcError());
        } else if (now - deadline >= 0) {
          pending = crcSuspect ? crcError() : incompleteOrNothing();
          if (drainNanos > 0) {
            phase = Phase.DRAINING;
            drainUntil = now + drainNanos;
          } else {
            finish(pending);
          }
        }
      }
      case DRAINING -> {
        boolean quiet = lateFrame != null && now - (lastByteAt + quietNanos) >= 0;
        if (quiet || now - drainUntil >= 0) {
          finish(pending);
        }
      }
      case DONE -> {}
    }
  }

  /** Bytes that were neither part of the answer, a CRC-failed candidate, nor a valid frame. */
  public int garbageBytes() {
    int garbage = overflowBytes;
    garbage += tally(rx, rxLength, answerStart, answerStart + answerLength).garbage;
    garbage += tally(late, lateLength, -1, -1).garbage;
    return garbage;
  }

  /** Valid frames from other units (or with other function codes) while awaiting the answer. */
  public int foreignFrames() {
    return tally(rx, rxLength, answerStart, answerStart + answerLength).frames;
  }

  // ------------------------------------------------------------------ internals

  private int append(byte[] buffer, int used, byte[] data, int offset, int length) {
    if (used + length > buffer.length) { // a babbling line: keep the newest bytes
      int drop = used + length - buffer.length;
      if (drop >= used) {
        overflowBytes += used;
        used = 0;
        int skip = length - buffer.length;
        if (skip > 0) {
          overflowBytes += skip;
          offset += skip;
          length -= skip;
        }
      } else {
        System.arraycopy(buffer, drop, buffer, 0, used - drop);
        overflowBytes += drop;
        used -= drop;
      }
    }
    System.arraycopy(data, offset, buffer, used, length);
    return used + length;
  }

  private boolean isAnswerStart(int s) {
    if ((rx[s] & 0xFF) != unitId || s + 1 >= rxLength) {
      return false;
    }
    int fc = rx[s + 1] & 0xFF;
    return fc == functionCode || fc == (functionCode | 0x80);
  }

  private void findAnswer() {
    crcSuspect = false;
    for (int s = 0; s < rxLength; s++) {
      if (!isAnswerStart(s)) {
        continue;
      }
      int length = RtuFrames.responseLength(rx, s, rxLength);
      if (length <= 0 || s + length > rxLength) {
        continue;
      }
      if (RtuCrc.matches(rx, s, length)) {
        answerStart = s;
        answerLength = length;
        finish(new Outcome.Answer(Arrays.copyOfRange(rx, s, s + length)));
        return;
      }
      crcSuspect = true;
    }
  }

  private Outcome crcError() {
    for (int s = 0; s < rxLength; s++) {
      if (isAnswerStart(s)) {
        int length = RtuFrames.responseLength(rx, s, rxLength);
        if (length > 0 && s + length <= rxLength) {
          answerStart = s; // the candidate's bytes are not garbage
          answerLength = length;
          return new Outcome.CrcError(
              HexFormat.ofDelimiter(" ").withUpperCase().formatHex(rx, s, s + length));
        }
      }
    }
    return new Outcome.NoAnswer();
  }

  private Outcome incompleteOrNothing() {
    for (int s = 0; s < rxLength; s++) {
      if (isAnswerStart(s)) {
        int length = RtuFrames.responseLength(rx, s, rxLength);
        if (length > 0) {
          answerStart = s;
          answerLength = rxLength - s;
          return new Outcome.Incomplete(rxLength - s, length);
        }
      }
    }
    return new Outcome.NoAnswer();
  }

  private void findLateFrame(long now) {
    for (int s = 0; s < lateLength; s++) {
      int length = RtuFrames.responseLength(late, s, lateLength);
      if (length > 0 && s + length <= lateLength && RtuCrc.matches(late, s, length)) {
        int unit = late[s] & 0xFF;
        int fc = (late[s + 1] & 0xFF) & 0x7F;
        lateFrame = new Late(unit, now - sentAt, unit == unitId && fc == functionCode);
        return;
      }
    }
  }

  private void finish(Outcome result) {
    outcome = result;
    phase = Phase.DONE;
  }

  /** Garbage bytes and valid frames in {@code buffer}, leaving out {@code [skipFrom, skipTo)}. */
  record Tally(int garbage, int frames) {}

  static Tally tally(byte[] buffer, int length, int skipFrom, int skipTo) {
    int garbage = 0;
    int frames = 0;
    int i = 0;
    while (i < length) {
      if (i == skipFrom && skipTo > skipFrom) {
        i = skipTo;
        continue;
      }
      int frame = RtuFrames.responseLength(buffer, i, length);
      boolean clear = skipFrom < 0 || i + frame <= skipFrom || i >= skipTo;
      if (frame > 0 && i + frame <= length && clear && RtuCrc.matches(buffer, i, frame)) {
        frames++;
        i += frame;
      } else {
        garbage++;
        i++;
      }
    }
    return new Tally(garbage, frames);
  }
}
