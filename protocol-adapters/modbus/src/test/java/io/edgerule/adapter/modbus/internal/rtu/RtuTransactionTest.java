package io.edgerule.adapter.modbus.internal.rtu;

import static io.edgerule.adapter.modbus.internal.rtu.RtuFramesTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.modbus.internal.rtu.RtuTransaction.Outcome;
import org.junit.jupiter.api.Test;

/** The exchange state machine on synthetic bytes and times (milliseconds as nanos). */
class RtuTransactionTest {
  private static final long MS = 1_000_000;

  /** Unit 1 answers FC03 with one register 0x002A. */
  private static final byte[] ANSWER = hex("01 03 02 00 2A 39 9B");

  /** The request it answers: unit 1, FC03, address 0, 1 register. */
  private static final byte[] REQUEST = hex("01 03 00 00 00 01 84 0A");

  private static RtuTransaction exchange() {
    return new RtuTransaction(1, 3, null, 0, 100 * MS, 100 * MS, 5 * MS);
  }

  private static void feed(RtuTransaction t, byte[] bytes, long atMs) {
    t.onBytes(bytes, 0, bytes.length, atMs * MS);
    t.onTime(atMs * MS);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int i = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, i, p.length);
      i += p.length;
    }
    return out;
  }

  @Test
  void theVectorsAreRight() {
    assertTrue(RtuCrc.matches(ANSWER, 0, ANSWER.length));
    assertTrue(RtuCrc.matches(REQUEST, 0, REQUEST.length));
  }

  @Test
  void answerInOneChunk() {
    RtuTransaction t = exchange();
    assertEquals(100 * MS, t.wakeAt());
    feed(t, ANSWER, 10);
    assertTrue(t.done());
    assertArrayEquals(ANSWER, ((Outcome.Answer) t.outcome()).frame());
    assertEquals(0, t.garbageBytes());
    assertNull(t.late());
  }

  @Test
  void answerByteByByte() {
    RtuTransaction t = exchange();
    for (int i = 0; i < ANSWER.length; i++) {
      assertFalse(t.done(), "done after " + i + " bytes");
      feed(t, new byte[] {ANSWER[i]}, 10 + i);
    }
    assertInstanceOf(Outcome.Answer.class, t.outcome());
  }

  @Test
  void garbageBeforeTheAnswerIsSkippedAndCounted() {
    RtuTransaction t = exchange();
    feed(t, concat(hex("FF 00 55"), ANSWER), 10);
    assertArrayEquals(ANSWER, ((Outcome.Answer) t.outcome()).frame());
    assertEquals(3, t.garbageBytes());
  }

  @Test
  void garbageThatLooksLikeTheStartOfTheAnswerDoesNotHideIt() {
    RtuTransaction t = exchange();
    // "01 03 7F" promises 127 data bytes; the real answer follows at once
    feed(t, concat(hex("01 03 7F"), ANSWER), 10);
    assertArrayEquals(ANSWER, ((Outcome.Answer) t.outcome()).frame());
    assertEquals(3, t.garbageBytes());
  }

  @Test
  void aValidFrameOfAnotherUnitIsForeignNotTheAnswer() {
    RtuTransaction t = exchange();
    byte[] unit2 = hex("02 03 02 00 2A 7D 9B"); // unit 2, same data
    assertTrue(RtuCrc.matches(unit2, 0, unit2.length));
    feed(t, unit2, 10);
    assertFalse(t.done());
    feed(t, ANSWER, 12);
    assertArrayEquals(ANSWER, ((Outcome.Answer) t.outcome()).frame());
    assertEquals(1, t.foreignFrames());
    assertEquals(0, t.garbageBytes());
  }

  @Test
  void trailingBytesAreGarbage() {
    RtuTransaction t = exchange();
    feed(t, concat(ANSWER, hex("00 00")), 10);
    assertInstanceOf(Outcome.Answer.class, t.outcome());
    assertEquals(2, t.garbageBytes());
  }

  @Test
  void exceptionResponseIsTheAnswer() {
    RtuTransaction t = exchange();
    feed(t, hex("01 83 02 C0 F1"), 10);
    assertArrayEquals(hex("01 83 02 C0 F1"), ((Outcome.Answer) t.outcome()).frame());
  }

  @Test
  void crcErrorIsDecidedOnceTheLineIsQuiet() {
    RtuTransaction t = exchange();
    byte[] corrupt = ANSWER.clone();
    corrupt[corrupt.length - 1] ^= 0x01;
    feed(t, corrupt, 10);
    assertFalse(t.done());
    assertEquals(15 * MS, t.wakeAt());
    t.onTime(14 * MS);
    assertFalse(t.done());
    t.onTime(15 * MS);
    Outcome.CrcError e = (Outcome.CrcError) t.outcome();
    assertEquals("01 03 02 00 2A 39 9A", e.frameHex());
    assertEquals(0, t.garbageBytes(), "the corrupt answer is not garbage");
  }

  @Test
  void aGoodFrameAfterACorruptCandidateWins() {
    RtuTransaction t = exchange();
    byte[] corrupt = ANSWER.clone();
    corrupt[4] ^= 0x10;
    feed(t, corrupt, 10);
    feed(t, ANSWER, 12);
    assertArrayEquals(ANSWER, ((Outcome.Answer) t.outcome()).frame());
  }

  @Test
  void noAnswerDrainsThenEnds() {
    RtuTransaction t = exchange();
    t.onTime(99 * MS);
    assertFalse(t.done());
    t.onTime(100 * MS);
    assertFalse(t.done(), "draining");
    assertEquals(200 * MS, t.wakeAt());
    t.onTime(200 * MS);
    assertInstanceOf(Outcome.NoAnswer.class, t.outcome());
    assertNull(t.late());
  }

  @Test
  void aLateAnswerIsCaughtInTheDrainAndNeverTheAnswer() {
    RtuTransaction t = exchange();
    t.onTime(100 * MS);
    feed(t, ANSWER, 150);
    assertFalse(t.done(), "waits for the line to go quiet");
    t.onTime(154 * MS);
    assertFalse(t.done());
    t.onTime(155 * MS);
    assertInstanceOf(Outcome.NoAnswer.class, t.outcome());
    assertEquals(new RtuTransaction.Late(1, 150 * MS, true), t.late());
  }

  @Test
  void aLateFrameOfAnotherUnitIsNotThisUnitsAnswer() {
    RtuTransaction t = exchange();
    t.onTime(100 * MS);
    feed(t, hex("02 03 02 00 2A 7D 9B"), 120);
    t.onTime(125 * MS);
    assertFalse(t.late().answer());
    assertEquals(2, t.late().unitId());
  }

  @Test
  void aTruncatedAnswerIsIncomplete() {
    RtuTransaction t = exchange();
    feed(t, hex("01 03 04 00"), 10);
    t.onTime(100 * MS);
    t.onTime(200 * MS);
    assertEquals(new Outcome.Incomplete(4, 9), t.outcome());
  }

  @Test
  void garbageOnlyIsNoAnswer() {
    RtuTransaction t = exchange();
    feed(t, hex("FF FF 00 13 37"), 10);
    t.onTime(100 * MS);
    t.onTime(200 * MS);
    assertInstanceOf(Outcome.NoAnswer.class, t.outcome());
    assertEquals(5, t.garbageBytes());
  }

  @Test
  void theEchoOfTheRequestIsDropped() {
    RtuTransaction t = new RtuTransaction(1, 3, REQUEST, 0, 100 * MS, 100 * MS, 5 * MS);
    feed(t, REQUEST, 1);
    assertFalse(t.done());
    feed(t, ANSWER, 10);
    assertArrayEquals(ANSWER, ((Outcome.Answer) t.outcome()).frame());
    assertEquals(0, t.garbageBytes());
  }

  @Test
  void aMissingEchoDoesNotEatTheAnswer() {
    // the answer starts like the request (01 03); the echo match stops at the third byte
    RtuTransaction t = new RtuTransaction(1, 3, REQUEST, 0, 100 * MS, 100 * MS, 5 * MS);
    feed(t, ANSWER, 10);
    assertArrayEquals(ANSWER, ((Outcome.Answer) t.outcome()).frame());
  }

  @Test
  void aBabblingLineKeepsTheNewestBytes() {
    RtuTransaction t = exchange();
    feed(t, new byte[5000], 10);
    feed(t, ANSWER, 11);
    assertInstanceOf(Outcome.Answer.class, t.outcome());
    assertEquals(5000, t.garbageBytes());
  }
}
