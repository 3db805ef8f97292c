package io.edgerule.adapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of edgerule's YAML files: bounded, strict UTF-8, problems at their position. */
class TextFileTest {
  @TempDir Path dir;

  @Test
  void readsUtf8Text() throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "name: café\n", StandardCharsets.UTF_8);
    assertEquals("name: café\n", TextFile.read(file, 100, "x"));
  }

  @Test
  void aByteThatIsNotUtf8IsReportedAtItsLineAndColumn() throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(
        file, "name: x\ndescription: caf\u00e9 \u00ff!\n".getBytes(StandardCharsets.ISO_8859_1));
    TextFile.Unreadable e =
        assertThrows(TextFile.Unreadable.class, () -> TextFile.read(file, 100, "x"));
    assertEquals(2, e.line());
    assertEquals(17, e.column());
    assertEquals(
        "not UTF-8 text: byte 0xE9 at offset 24 is not a valid UTF-8 sequence; save the file as"
            + " UTF-8",
        e.problem());
    // Columns count characters, not bytes; a sequence cut at the end of the text is not UTF-8.
    byte[] cut = "é\nüx\u00e4".getBytes(StandardCharsets.UTF_8);
    TextFile.Unreadable end =
        assertThrows(
            TextFile.Unreadable.class,
            () -> TextFile.utf8(java.util.Arrays.copyOf(cut, cut.length - 1)));
    assertEquals(2, end.line());
    assertEquals(3, end.column());
  }

  @Test
  void aHugeFileIsRefusedAfterReadingOneByteMoreThanTheLimit() throws Exception {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: 3 GiB of zeros that take no disk
    }
    TextFile.Unreadable e =
        assertThrows(
            TextFile.Unreadable.class, () -> TextFile.read(big, 256 * 1024, "is it YAML?"));
    assertEquals("the file is larger than 256 KiB; is it YAML?", e.problem());
    assertEquals(0, e.line());
  }

  @Test
  void unreadableFilesSayWhy() {
    assertEquals(
        "cannot read: no such file",
        assertThrows(TextFile.Unreadable.class, () -> TextFile.read(dir.resolve("nope"), 100, "x"))
            .problem());
    // Reading a folder fails in read(), not open(), on Linux: the system's reason is kept.
    String folder =
        assertThrows(TextFile.Unreadable.class, () -> TextFile.read(dir, 100, "x")).problem();
    assertEquals(true, folder.startsWith("cannot read: "), folder);
  }

  @Test
  void sizesAreWrittenInTheirUnit() {
    assertEquals("2 MiB", TextFile.size(2 * 1024 * 1024));
    assertEquals("256 KiB", TextFile.size(256 * 1024));
    assertEquals("1000 bytes", TextFile.size(1000));
  }
}
