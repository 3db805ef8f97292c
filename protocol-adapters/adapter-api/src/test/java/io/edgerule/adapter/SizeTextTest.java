package io.edgerule.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizeTextTest {
  @Test
  void readsBytesAndBinaryAndDecimalUnits() {
    assertEquals(4096, SizeText.parse("4096"));
    assertEquals(10, SizeText.parse("10 B"));
    assertEquals(512 * 1024, SizeText.parse("512 KiB"));
    assertEquals(64L << 20, SizeText.parse("64MiB"));
    assertEquals(2L << 30, SizeText.parse(" 2 gib "));
    assertEquals(10_000_000, SizeText.parse("10 MB"));
    assertEquals(0, SizeText.parse("0"));
  }

  @Test
  void refusesWhatIsNotASizeSayingHowOneLooks() {
    for (String bad : new String[] {"", "-1", "1.5 MiB", "64 MiBs", "lots", "MiB"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SizeText.parse(bad), bad);
      assertTrue(e.getMessage().contains("is not a size: write e.g."), e.getMessage());
    }
  }

  @Test
  void refusesSizesThatWouldOverflow() {
    for (String big :
        new String[] {"9999999999999999999", "9999999 TiB", "2 PiB", "1025 TiB", "1 EiB"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SizeText.parse(big), big);
      assertTrue(
          e.getMessage().contains("too large") || e.getMessage().contains("not a size"),
          e.getMessage());
    }
  }

  @Test
  void formatsInTheLargestExactBinaryUnitAndParsesBack() {
    assertEquals("64 MiB", SizeText.format(64L << 20));
    assertEquals("1000 B", SizeText.format(1000));
    assertEquals("0 B", SizeText.format(0));
    for (long n : new long[] {0, 1, 1000, 1024, 5L << 30, 12345678, SizeText.MAX}) {
      assertEquals(n, SizeText.parse(SizeText.format(n)));
    }
  }
}
