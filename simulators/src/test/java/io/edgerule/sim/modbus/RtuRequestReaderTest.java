package io.edgerule.sim.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Request framing on the slave side, against published frames (CRC from the spec examples). */
class RtuRequestReaderTest {
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  /** Modbus over Serial Line / PI-MBUS-300: read holding registers 40108-40110 of slave 17. */
  private static final byte[] READ = HEX.parseHex("11 03 00 6B 00 03 76 87");

  /** PI-MBUS-300: write single register 40002 = 3 on slave 17. */
  private static final byte[] WRITE = HEX.parseHex("11 06 00 01 00 03 9A 9B");

  private final RtuRequestReader reader = new RtuRequestReader();

  private List<byte[]> feed(byte[]... chunks) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] c : chunks) {
      out.addAll(reader.feed(c, c.length));
    }
    return out;
  }

  @Test
  void oneFrameInPieces() {
    List<byte[]> frames =
        feed(
            new byte[] {READ[0]},
            new byte[] {READ[1], READ[2]},
            java.util.Arrays.copyOfRange(READ, 3, 8));
    assertEquals(1, frames.size());
    assertArrayEquals(READ, frames.get(0));
    assertEquals(0, reader.garbage());
  }

  @Test
  void twoFramesInOneChunk() {
    byte[] both = new byte[16];
    System.arraycopy(READ, 0, both, 0, 8);
    System.arraycopy(WRITE, 0, both, 8, 8);
    List<byte[]> frames = feed(both);
    assertEquals(2, frames.size());
    assertArrayEquals(WRITE, frames.get(1));
  }

  @Test
  void garbageAndBadCrcAreDroppedAndTheNextFrameIsFound() {
    byte[] corrupt = READ.clone();
    corrupt[7] ^= 1;
    List<byte[]> frames = feed(HEX.parseHex("FF 00"), corrupt, WRITE);
    assertEquals(1, frames.size());
    assertArrayEquals(WRITE, frames.get(0));
    assertEquals(10, reader.garbage());
  }

  @Test
  void aStartThatPromisesMoreDoesNotHideAFollowingFrame() {
    // "11 10 ... byte count 200" never completes; a valid read follows
    List<byte[]> frames = feed(HEX.parseHex("11 10 00 00 00 64 C8"), READ);
    assertEquals(1, frames.size());
    assertArrayEquals(READ, frames.get(0));
  }

  @Test
  void writeMultipleRegistersWithMoreThan127DataBytes() {
    // FC16 of 64 registers: byte count 128 (0x80), which digitalpetri 2.1.4's request parser reads
    // as a negative number
    // layout: fc, addr hi, addr lo, qty hi, qty lo, count, data
    byte[] body = new byte[1 + 2 + 2 + 1 + 128];
    body[0] = 0x10;
    body[2] = 10;
    body[4] = 64;
    body[5] = (byte) 0x80;
    byte[] frame = ModbusRtuSimulator.frame(1, body);
    List<byte[]> frames = feed(frame);
    assertEquals(1, frames.size());
    assertEquals(9 + 128, frames.get(0).length);
  }
}
