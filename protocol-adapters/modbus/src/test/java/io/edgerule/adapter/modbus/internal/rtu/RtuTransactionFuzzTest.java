package io.edgerule.adapter.modbus.internal.rtu;

import static io.edgerule.adapter.modbus.internal.rtu.FuzzFrames.randomBytes;
import static io.edgerule.adapter.modbus.internal.rtu.FuzzFrames.withCrc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.modbus.internal.rtu.RtuTransaction.Outcome;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exchange state machine fed hostile lines: random garbage around the answer, random chunking,
 * truncated and corrupted answers, a babbling line. The answer is never lost behind garbage, every
 * exchange ends, and nothing but an outcome comes out. Failures name the seed, case and bytes.
 */
class RtuTransactionFuzzTest {
  private static final long SEED = 0x5EED_0002L;
  private static final long MS = 1_000_000;
  private static final long DEADLINE = 1_000 * MS;
  private static final long DRAIN = 500 * MS;
  private static final long QUIET = 5 * MS;
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();
  private static final int[] FUNCTION_CODES = {1, 2, 3, 4, 5, 6, 15, 16};

  /** A valid answer of {@code unit} to {@code fc}: normal (any byte count) or an exception. */
  static byte[] answer(SplittableRandom r, int unit, int fc) {
    if (r.nextInt(5) == 0) {
      return withCrc(new byte[] {(byte) unit, (byte) (fc | 0x80), (byte) r.nextInt(256)});
    }
    byte[] body;
    if (fc <= 4) {
      int count = r.nextInt(0, 251);
      body = new byte[3 + count];
      body[2] = (byte) count;
      System.arraycopy(randomBytes(r, count), 0, body, 3, count);
    } else {
      body = randomBytes(r, 6);
    }
    body[0] = (byte) unit;
    body[1] = (byte) fc;
    return withCrc(body);
  }

  record Line(byte[] bytes, int answerAt) {}

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Feeds {@code line} in random chunks at 1 ms steps; returns the time of the last chunk. */
  private static long feed(SplittableRandom r, RtuTransaction t, byte[] line, long from) {
    long now = from;
    int i = 0;
    while (i < line.length && !t.done()) {
      int n = r.nextInt(8) == 0 ? line.length - i : Math.min(line.length - i, r.nextInt(1, 300));
      t.onBytes(line, i, n, now);
      t.onTime(now);
      i += n;
      now += MS;
    }
    return now;
  }

  /** Runs the clock as the bus does (to each wakeAt) until done; fails if that does not end. */
  private static void runOut(RtuTransaction t, long from, String where) {
    long now = from;
    for (int step = 0; step < 10 && !t.done(); step++) {
      now = Math.max(now, t.wakeAt());
      t.onTime(now);
    }
    assertTrue(t.done(), where + ": not done after the deadline and the drain");
    assertNotNull(t.outcome(), where);
    assertTrue(t.garbageBytes() >= 0 && t.foreignFrames() >= 0, where);
  }

  @Test
  void theAnswerIsFoundBehindAnyGarbageInAnyChunking() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 3_000; n++) {
      int unit = r.nextInt(1, 248);
      int fc = FUNCTION_CODES[r.nextInt(FUNCTION_CODES.length)];
      byte[] answer = answer(r, unit, fc);
      byte[] before = randomBytes(r, r.nextInt(4) == 0 ? r.nextInt(2_000, 6_000) : r.nextInt(600));
      byte[] after = randomBytes(r, r.nextInt(4) == 0 ? r.nextInt(1_500, 3_000) : r.nextInt(40));
      byte[] line = concat(before, answer, after);
      String where =
          "seed %d case %d (unit %d fc %02X): answer %s after %d garbage bytes, %d after"
              .formatted(SEED, n, unit, fc, HEX.formatHex(answer), before.length, after.length);
      RtuTransaction t = new RtuTransaction(unit, fc, null, 0, DEADLINE, DRAIN, QUIET);
      try {
        runOut(t, feed(r, t, line, MS), where);
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
      }
      Outcome.Answer a = assertInstanceOf(Outcome.Answer.class, t.outcome(), where);
      assertArrayEquals(answer, a.frame(), where);
      assertTrue(t.garbageBytes() <= line.length - answer.length, where);
    }
  }

  @Test
  void randomBytesAloneNeverEndInAnExceptionOrAHang() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    for (int n = 0; n < 2_000; n++) {
      int unit = r.nextInt(0, 256);
      int fc = r.nextInt(1, 128);
      byte[] line = randomBytes(r, r.nextInt(0, 1_500));
      if (line.length > 1 && r.nextBoolean()) {
        line[0] = (byte) unit; // a start that looks like the answer
        line[1] = (byte) fc;
      }
      byte[] echo = r.nextInt(4) == 0 ? randomBytes(r, r.nextInt(0, 10)) : null;
      String where =
          "seed %d case %d: unit %d fc %02X line %s"
              .formatted(SEED + 1, n, unit, fc, HEX.formatHex(line));
      RtuTransaction t = new RtuTransaction(unit, fc, echo, 0, DEADLINE, DRAIN, QUIET);
      try {
        runOut(t, feed(r, t, line, MS), where);
        if (t.outcome() instanceof Outcome.Answer a) {
          assertTrue(RtuCrc.matches(a.frame(), 0, a.frame().length), where);
          assertEquals(unit, a.frame()[0] & 0xFF, where);
        } else if (t.outcome() instanceof Outcome.Incomplete i) {
          assertTrue(i.have() < i.need() && i.need() <= RtuFrames.MAX_FRAME + 4, where + " " + i);
        } else if (t.outcome() instanceof Outcome.CrcError c) {
          assertFalse(c.frameHex().isBlank(), where);
        }
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
      }
    }
  }

  @Test
  void aTruncatedAnswerIsIncompleteNeverAnAnswer() {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    for (int n = 0; n < 2_000; n++) {
      int unit = r.nextInt(1, 248);
      int fc = FUNCTION_CODES[r.nextInt(FUNCTION_CODES.length)];
      byte[] answer = answer(r, unit, fc);
      int cut = r.nextInt(3, answer.length); // the function code and byte count have arrived
      byte[] line = concat(new byte[r.nextInt(20)], Arrays.copyOf(answer, cut));
      String where = "seed %d case %d: %s".formatted(SEED + 2, n, HEX.formatHex(line));
      RtuTransaction t = new RtuTransaction(unit, fc, null, 0, DEADLINE, DRAIN, QUIET);
      runOut(t, feed(r, t, line, MS), where);
      Outcome.Incomplete i = assertInstanceOf(Outcome.Incomplete.class, t.outcome(), where);
      assertEquals(new Outcome.Incomplete(cut, answer.length), i, where);
    }
  }

  @Test
  void aCorruptedAnswerIsACrcErrorAndAGoodOneAfterItWins() {
    SplittableRandom r = new SplittableRandom(SEED + 3);
    for (int n = 0; n < 2_000; n++) {
      int unit = r.nextInt(1, 248);
      int fc = FUNCTION_CODES[r.nextInt(FUNCTION_CODES.length)];
      byte[] answer = answer(r, unit, fc);
      byte[] corrupt = answer.clone();
      int at = r.nextInt(3, corrupt.length); // keep unit, function code and byte count
      corrupt[at] ^= (byte) r.nextInt(1, 256);
      String where =
          "seed %d case %d: %s then %s"
              .formatted(SEED + 3, n, HEX.formatHex(corrupt), HEX.formatHex(answer));

      RtuTransaction alone = new RtuTransaction(unit, fc, null, 0, DEADLINE, DRAIN, QUIET);
      runOut(alone, feed(r, alone, corrupt, MS), where);
      Outcome.CrcError e = assertInstanceOf(Outcome.CrcError.class, alone.outcome(), where);
      assertEquals(HEX.formatHex(corrupt), e.frameHex(), where);

      RtuTransaction then = new RtuTransaction(unit, fc, null, 0, DEADLINE, DRAIN, QUIET);
      long now = MS;
      then.onBytes(corrupt, 0, corrupt.length, now);
      then.onTime(now); // the good frame follows before the line is quiet
      then.onBytes(answer, 0, answer.length, now + MS);
      runOut(then, now + MS, where);
      assertArrayEquals(
          answer, assertInstanceOf(Outcome.Answer.class, then.outcome(), where).frame(), where);
    }
  }

  /** A late answer followed by a flood in the same read is still seen while draining. */
  @Test
  void aLateAnswerIsNotLostInAFloodThatFollowsIt() {
    SplittableRandom r = new SplittableRandom(SEED + 4);
    for (int n = 0; n < 500; n++) {
      int unit = r.nextInt(1, 248);
      int fc = FUNCTION_CODES[r.nextInt(FUNCTION_CODES.length)];
      byte[] answer = answer(r, unit, fc);
      byte[] line = concat(answer, new byte[r.nextInt(0, 5_000)]);
      String where =
          "seed %d case %d: %s then %d zero bytes in one read"
              .formatted(SEED + 4, n, HEX.formatHex(answer), line.length - answer.length);
      RtuTransaction t = new RtuTransaction(unit, fc, null, 0, DEADLINE, DRAIN, QUIET);
      t.onTime(DEADLINE);
      t.onBytes(line, 0, line.length, DEADLINE + MS);
      runOut(t, DEADLINE + MS, where);
      assertInstanceOf(Outcome.NoAnswer.class, t.outcome(), where);
      assertNotNull(t.late(), where + ": the late answer was lost");
      assertTrue(t.late().answer(), where);
      assertEquals(unit, t.late().unitId(), where);
    }
  }

  @Test
  void theEchoAndGarbageBeforeTheAnswerAreDropped() {
    SplittableRandom r = new SplittableRandom(SEED + 5);
    for (int n = 0; n < 1_000; n++) {
      int unit = r.nextInt(1, 248);
      int fc = FUNCTION_CODES[r.nextInt(FUNCTION_CODES.length)];
      byte[] request = withCrc(new byte[] {(byte) unit, (byte) fc, 0, 0, 0, 1});
      byte[] answer = answer(r, unit, fc);
      byte[] line = concat(request, randomBytes(r, r.nextInt(0, 300)), answer);
      String where = "seed %d case %d: %s".formatted(SEED + 5, n, HEX.formatHex(line));
      RtuTransaction t = new RtuTransaction(unit, fc, request, 0, DEADLINE, DRAIN, QUIET);
      runOut(t, feed(r, t, line, MS), where);
      assertArrayEquals(
          answer, assertInstanceOf(Outcome.Answer.class, t.outcome(), where).frame(), where);
    }
  }

  @Test
  void aRangeOutsideTheChunkIsRefusedWithAMessage() {
    RtuTransaction t = new RtuTransaction(1, 3, null, 0, DEADLINE, DRAIN, QUIET);
    byte[] chunk = new byte[4];
    for (int[] range : new int[][] {{-1, 2}, {3, 2}, {0, 5}, {Integer.MAX_VALUE, 1}}) {
      var e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class,
              () -> t.onBytes(chunk, range[0], range[1], MS),
              Arrays.toString(range));
      assertFalse(e.getMessage().isBlank());
    }
    assertFalse(t.done(), "a refused chunk changes nothing");
  }
}
