package io.edgerule.daemon.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config files as bytes: invalid UTF-8 anywhere, oversized files, folders, empty files. */
class ConfigFileBytesTest {
  private static final long SEED = 0xB17E5L;
  private static final byte[][] INVALID = {
    {(byte) 0xff},
    {(byte) 0xfe, (byte) 0xff},
    {(byte) 0xc3},
    {(byte) 0xe2, (byte) 0x82},
    {(byte) 0x80},
    {(byte) 0xc0, (byte) 0xaf},
    {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
    {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}
  };

  @TempDir Path tmp;

  private ConfigException load(byte[] bytes) throws Exception {
    Path file = tmp.resolve("gateway.yaml");
    Files.write(file, bytes);
    return assertThrows(ConfigException.class, () -> ConfigContract.LOADER.load(file));
  }

  @Test
  void invalidUtf8IsReportedAtItsLineAndColumn() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    byte[] seed = ConfigSeeds.DEMO.getBytes(StandardCharsets.UTF_8); // ASCII only
    for (int i = 0; i < 200; i++) {
      int at = random.nextInt(seed.length + 1);
      byte[] bad = INVALID[random.nextInt(INVALID.length)];
      byte[] bytes = new byte[seed.length + bad.length];
      System.arraycopy(seed, 0, bytes, 0, at);
      System.arraycopy(bad, 0, bytes, at, bad.length);
      System.arraycopy(seed, at, bytes, at + bad.length, seed.length - at);
      int line = 1;
      int column = 1;
      for (int j = 0; j < at; j++) {
        line += seed[j] == '\n' ? 1 : 0;
        column = seed[j] == '\n' ? 1 : column + 1;
      }
      String context = "seed " + SEED + ", case " + i + ": bytes inserted at " + at;
      ConfigException e = load(bytes);
      assertEquals(line, e.line(), context + " -> " + e.getMessage());
      assertEquals(column, e.column(), context + " -> " + e.getMessage());
      assertTrue(e.problem().startsWith("not UTF-8 text"), context + " -> " + e.getMessage());
    }
  }

  @Test
  void aMultiByteCharacterCutAtTheEndIsNotUtf8() throws Exception {
    byte[] text = (ConfigSeeds.MINIMAL + "# ü").getBytes(StandardCharsets.UTF_8);
    byte[] cut = java.util.Arrays.copyOf(text, text.length - 1);
    ConfigException e = load(cut);
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.problem().startsWith("not UTF-8 text"), e.getMessage());
  }

  @Test
  void oversizedFilesAreRefusedWithoutReadingThemWhole() throws Exception {
    byte[] big = new byte[ConfigLoader.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) '#');
    ConfigException e = load(big);
    assertEquals(0, e.line());
    assertTrue(e.problem().startsWith("the file is larger than 2 MiB"), e.getMessage());
  }

  @Test
  void emptyFilesAndFoldersAreClearErrors() throws Exception {
    assertTrue(load(new byte[0]).problem().startsWith("the file is empty"));
    assertTrue(
        load("# only a comment\n".getBytes(StandardCharsets.UTF_8))
            .problem()
            .startsWith("the file has no content"));
    ConfigException folder =
        assertThrows(ConfigException.class, () -> ConfigContract.LOADER.load(tmp));
    assertTrue(folder.problem().startsWith("cannot read"), folder.getMessage());
  }
}
