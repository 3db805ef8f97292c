package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The XBee frame guard fed hostile lines: random bytes, frames cut short, wrong checksums and
 * lengths, stray escape bytes, noise between frames. Every whole frame still comes out exactly
 * once, in order, and every drop carries a reason. Failures name the seed, case and bytes in hex.
 */
class XBeeFrameGuardFuzzTest {
  private static final long SEED = 0x5EED_1001L;
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

  private final List<byte[]> frames = new ArrayList<>();
  private final List<String> drops = new ArrayList<>();
  private XBeeFrameGuard guard = newGuard();

  private XBeeFrameGuard newGuard() {
    return new XBeeFrameGuard(
        new XBeeFrameGuard.Listener() {
          @Override
          public void frame(byte[] frameData) {
            frames.add(frameData);
          }

          @Override
          public void dropped(XBeeFrameGuard.Drop kind, String reason) {
            assertNotNull(kind);
            assertNotNull(reason);
            assertFalse(reason.isBlank(), "a drop without a reason");
            drops.add(kind + ": " + reason);
          }
        });
  }

  private static byte[] randomBytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) r.nextInt(256);
    }
    return b;
  }

  /** Frame data biased towards the bytes that must be escaped. */
  private static byte[] frameData(SplittableRandom r) {
    byte[] d = randomBytes(r, r.nextInt(1, r.nextInt(10) == 0 ? 1025 : 40));
    int[] special = {0x7E, 0x7D, 0x11, 0x13};
    for (int i = 0; i < d.length; i++) {
      if (r.nextInt(6) == 0) {
        d[i] = (byte) special[r.nextInt(special.length)];
      }
    }
    return d;
  }

  /** Noise without a start delimiter (a raw 7E can only start a frame in API mode 2). */
  private static byte[] noise(SplittableRandom r, int max) {
    byte[] b = randomBytes(r, r.nextInt(0, max));
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0x7E) {
        b[i] = 0x7D; // keep stray escapes: they must not eat the next frame's start
      }
    }
    return b;
  }

  private void feedInChunks(SplittableRandom r, byte[] line) {
    int i = 0;
    while (i < line.length) {
      int n = Math.min(line.length - i, r.nextInt(1, 64));
      guard.feed(line, i, n);
      i += n;
    }
  }

  @Test
  void everyWholeFrameComesOutOnceInOrderWhateverIsAroundIt() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 1_000; n++) {
      guard = newGuard(); // the last case ended inside a frame
      frames.clear();
      drops.clear();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      List<byte[]> sent = new ArrayList<>();
      int expectedDrops = 0;
      int count = r.nextInt(1, 8);
      boolean cut = false;
      for (int f = 0; f < count; f++) {
        if (!cut) { // noise after a cut frame would be read as its rest
          line.writeBytes(noise(r, 20));
        }
        cut = false;
        byte[] data = frameData(r);
        byte[] wire = XBeeFrameGuard.encode(data);
        switch (r.nextInt(4)) {
          case 0 -> { // cut short: the next start delimiter ends it
            line.writeBytes(Arrays.copyOf(wire, r.nextInt(1, wire.length)));
            expectedDrops++;
            cut = true;
          }
          case 1 -> { // one data byte changed: a checksum error
            byte[] bad = wire.clone();
            int at = 3 + r.nextInt(wire.length - 4);
            if (bad[at] == 0x7E || bad[at] == 0x7D || bad[at - 1] == 0x7D) {
              line.writeBytes(wire); // do not disturb the escaping; keep this one whole
              sent.add(data);
            } else {
              bad[at] = (byte) (bad[at] == 0x00 ? 0x01 : 0x00);
              line.writeBytes(bad);
              expectedDrops++;
            }
          }
          default -> {
            line.writeBytes(wire);
            sent.add(data);
          }
        }
      }
      line.write(0x7E); // a final start ends a cut-short last frame
      byte[] bytes = line.toByteArray();
      String where = "seed %d case %d: %s".formatted(SEED, n, HEX.formatHex(bytes));
      try {
        feedInChunks(r, bytes);
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
      }
      assertEquals(sent.size(), frames.size(), where + " drops " + drops);
      for (int i = 0; i < sent.size(); i++) {
        assertArrayEquals(sent.get(i), frames.get(i), where + " frame " + i);
      }
      assertEquals(expectedDrops, drops.size(), where + " drops " + drops);
    }
  }

  @Test
  void randomBytesGiveOnlyChecksummedFramesAndReasons() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    for (int n = 0; n < 3_000; n++) {
      frames.clear();
      byte[] line = randomBytes(r, r.nextInt(0, 400));
      for (int i = 0; i < line.length; i++) {
        if (r.nextInt(30) == 0) {
          line[i] = 0x7E;
        }
        if (r.nextInt(30) == 0) {
          line[i] = 0x7D;
        }
      }
      String where = "seed %d case %d: %s".formatted(SEED + 1, n, HEX.formatHex(line));
      try {
        feedInChunks(r, line);
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
      }
      for (byte[] f : frames) {
        assertTrue(f.length >= 1 && f.length <= XBeeFrameGuard.MAX_FRAME_DATA, where);
      }
      // whatever came before, a good frame after it is whole
      byte[] modemStatus = XBeeFrameGuard.encode(new byte[] {(byte) 0x8A, 0x06});
      int before = frames.size();
      guard.feed(modemStatus, 0, modemStatus.length);
      assertEquals(before + 1, frames.size(), where);
      assertArrayEquals(new byte[] {(byte) 0x8A, 0x06}, frames.get(before), where);
    }
  }

  @Test
  void aHugeLengthIsRefusedWithoutBufferingIt() {
    byte[] line = {0x7E, (byte) 0xFF, (byte) 0xFF, 0x01, 0x02};
    guard.feed(line, 0, line.length);
    assertEquals(List.of("BAD_LENGTH: frame length 65535 out of range"), drops);
    byte[] ok = XBeeFrameGuard.encode(new byte[] {(byte) 0x8A, 0x06});
    guard.feed(ok, 0, ok.length);
    assertEquals(1, frames.size());
  }

  @Test
  void aCutInTheHeaderSaysSo() {
    byte[] ok = XBeeFrameGuard.encode(new byte[] {(byte) 0x8A, 0x06});
    for (byte[] cut : new byte[][] {{0x7E}, {0x7E, 0x00}, {0x7E, 0x00, 0x02, (byte) 0x8A, 0x06}}) {
      drops.clear();
      frames.clear();
      guard.feed(cut, 0, cut.length);
      guard.feed(ok, 0, ok.length);
      assertEquals(1, frames.size(), HEX.formatHex(cut));
      assertEquals(1, drops.size(), HEX.formatHex(cut));
      assertTrue(drops.get(0).startsWith("TRUNCATED_FRAME: truncated frame"), drops.get(0));
      assertFalse(drops.get(0).contains("0 of 0"), drops.get(0));
    }
  }

  @Test
  void encodeThenGuardIsTheIdentityForEveryLength() {
    SplittableRandom r = new SplittableRandom(SEED + 2);
    for (int length = 1; length <= XBeeFrameGuard.MAX_FRAME_DATA; length += r.nextInt(1, 40)) {
      byte[] data = randomBytes(r, length);
      byte[] wire = XBeeFrameGuard.encode(data);
      frames.clear();
      guard.feed(wire, 0, wire.length);
      assertEquals(1, frames.size(), "length " + length);
      assertArrayEquals(data, frames.get(0), "length " + length);
    }
  }

  @Test
  void frameDataTheLengthFieldCannotCarryIsNotEncoded() {
    for (int length : new int[] {0, 0x10000, 70_000}) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> XBeeFrameGuard.encode(new byte[length]),
              "length " + length);
      assertTrue(e.getMessage().contains(Integer.toString(length)), e.getMessage());
    }
  }

  @Test
  void aRangeOutsideTheChunkIsRefused() {
    byte[] chunk = new byte[4];
    for (int[] range : new int[][] {{-1, 2}, {3, 2}, {0, 5}, {Integer.MAX_VALUE, 1}, {0, -1}}) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> guard.feed(chunk, range[0], range[1]),
              Arrays.toString(range));
      assertFalse(e.getMessage().isBlank());
    }
  }
}
