package io.edgerule.daemon.namespace.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantTest {
  private static String written(Instant t) {
    char[] buf = new char[IsoInstant.MAX_CHARS];
    int n = IsoInstant.write(t, buf);
    return n < 0 ? t.toString() : new String(buf, 0, n);
  }

  @Test
  void writesExactlyWhatInstantToStringWrites() {
    for (String s :
        new String[] {
          "1970-01-01T00:00:00Z",
          "2026-11-21T10:00:01.250Z",
          "2026-11-21T10:00:01.000250Z",
          "2026-11-21T10:00:01.000000250Z",
          "2000-02-29T23:59:59.999999999Z",
          "1969-12-31T23:59:59.100Z",
          "0000-01-01T00:00:00Z",
          "9999-12-31T23:59:59.999Z",
          "1600-03-01T00:00:00Z"
        }) {
      Instant t = Instant.parse(s);
      assertEquals(t.toString(), written(t), s);
    }
    assertEquals(-1, IsoInstant.write(Instant.parse("+10000-01-01T00:00:00Z"), new char[30]));
    assertEquals(-1, IsoInstant.write(Instant.MIN, new char[30]));
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < 200_000; i++) {
      long sec = random.nextLong(-62_167_219_200L, 253_402_300_800L);
      int nano =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant t = Instant.ofEpochSecond(sec, nano);
      assertEquals(t.toString(), written(t), "epoch second " + sec + " nano " + nano);
    }
  }
}
