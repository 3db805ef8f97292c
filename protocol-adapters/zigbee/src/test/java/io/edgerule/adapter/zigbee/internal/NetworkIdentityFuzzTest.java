package io.edgerule.adapter.zigbee.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remembered network identity with hostile values and hostile files: every identity that can be
 * stored reads back the same (so a restart does not take a known network for a new one), and a
 * damaged file is ignored with a warning, never an exception.
 */
class NetworkIdentityFuzzTest {
  private static final long SEED = 0x5EED_1004L;

  @TempDir Path dir;

  private static String text(SplittableRandom r) {
    String[] pieces = {
      "",
      "0013a20040522baa",
      "=",
      ":",
      "#",
      "!",
      "\\",
      "\n",
      "\r\n",
      " ",
      "é",
      "温度",
      "\u0000",
      "\\u12",
      "\t",
      "😀"
    };
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(0, 6);
    for (int i = 0; i < n; i++) {
      s.append(pieces[r.nextInt(pieces.length)]);
    }
    return s.toString();
  }

  @Test
  void everyStoredIdentityReadsBackTheSame() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED);
    int[] hostile = {Integer.MIN_VALUE, -1, 0, 0xFFFF, 0x10000, Integer.MAX_VALUE};
    for (int n = 0; n < 100; n++) {
      NetworkIdentity id =
          new NetworkIdentity(
              text(r),
              r.nextBoolean() ? hostile[r.nextInt(hostile.length)] : r.nextInt(0x10000),
              text(r),
              r.nextBoolean() ? hostile[r.nextInt(hostile.length)] : r.nextInt(11, 27));
      String where = "seed " + SEED + " case " + n + ": " + id;
      id.store(dir);
      Optional<NetworkIdentity> back = NetworkIdentity.load(dir);
      assertEquals(Optional.of(id), back, where);
      assertTrue(back.orElseThrow().sameNetworkAs(id), where);
      assertFalse(id.toString().isBlank(), where);
    }
  }

  @Test
  void aDamagedFileIsIgnoredNeverThrown() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    Path file = dir.resolve("network.properties");
    String[] lines = {
      "dongle=0013a20040522baa",
      "pan_id=1a2b",
      "pan_id=zz",
      "pan_id=",
      "channel=x",
      "channel=99999999999",
      "extended_pan_id=\\u12",
      "\\",
      "=",
      "pan_id=-",
      "channel=15"
    };
    for (int n = 0; n < 300; n++) {
      StringBuilder content = new StringBuilder();
      if (r.nextInt(4) == 0) {
        byte[] noise = new byte[r.nextInt(0, 64)];
        for (int i = 0; i < noise.length; i++) {
          noise[i] = (byte) r.nextInt(256);
        }
        Files.write(file, noise);
      } else {
        for (int i = r.nextInt(0, 6); i > 0; i--) {
          content.append(lines[r.nextInt(lines.length)]).append('\n');
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
      }
      String where = "seed " + (SEED + 1) + " case " + n + ": " + content;
      try {
        Optional<NetworkIdentity> id = NetworkIdentity.load(dir);
        assertNotNull(id, where);
        id.ifPresent(i -> assertNotNull(i.dongle(), where));
      } catch (RuntimeException e) {
        fail(where + ": " + e, e);
      }
    }
  }
}
