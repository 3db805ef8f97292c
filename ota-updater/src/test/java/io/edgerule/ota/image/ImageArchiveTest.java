package io.edgerule.ota.image;

import static io.edgerule.ota.image.Messages.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgerule.ota.image.ImageRejected.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;

/** The container's defences: each hostile archive is refused with its reason, naming the entry. */
class ImageArchiveTest {
  private static final ImageLimits SMALL = new ImageLimits(1 << 20, 4 << 20, 1 << 20, 8);

  /** A tar.gz written by Commons Compress with whatever entries the test makes. */
  private static byte[] tarGz(Consumer<TarArchiveOutputStream> body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      body.accept(tar);
      tar.finish();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] data) {
    try {
      TarArchiveEntry e = new TarArchiveEntry(name, true);
      e.setSize(data.length);
      tar.putArchiveEntry(e);
      tar.write(data);
      tar.closeArchiveEntry();
    } catch (IOException x) {
      throw new IllegalStateException(x);
    }
  }

  private static void special(TarArchiveOutputStream tar, String name, byte type, String link) {
    try {
      TarArchiveEntry e = new TarArchiveEntry(name, type, true);
      if (link != null) {
        e.setLinkName(link);
      }
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    } catch (IOException x) {
      throw new IllegalStateException(x);
    }
  }

  private static ImageRejected refused(byte[] file, ImageLimits limits) {
    return assertThrows(ImageRejected.class, () -> ImageArchive.read(file, "x.rimg", limits));
  }

  @Test
  void writtenEntriesReadBackInOrder() throws Exception {
    Map<String, byte[]> in = new java.util.LinkedHashMap<>();
    in.put("image.json", "{}".getBytes());
    in.put("rules/a/module.wasm", new byte[] {0, 'a', 's', 'm'});
    ImageArchive.Contents c = ImageArchive.read(ImageArchive.write(in), "x.rimg", SMALL);
    assertEquals(List.copyOf(in.keySet()), List.copyOf(c.entries().keySet()));
    assertArrayEquals(in.get("rules/a/module.wasm"), c.entries().get("rules/a/module.wasm"));
  }

  @Test
  void pathTricksAreRefused() {
    for (String name :
        List.of(
            "../etc/passwd",
            "rules/../../x",
            "/etc/passwd",
            "rules/./a",
            "rules//a",
            "rules\\a",
            "rules/a b",
            "r\u00e9gles/a")) {
      ImageRejected e = refused(tarGz(t -> file(t, name, new byte[] {1})), SMALL);
      assertEquals(Reason.UNSAFE_ENTRY, e.reason(), name);
      assertContains(e.getMessage(), "x.rimg: entry 1 '");
    }
  }

  @Test
  void linksDirectoriesAndDevicesAreRefused() {
    record Case(String name, byte type, String link, String says) {}
    for (Case c :
        List.of(
            new Case(
                "rules/a/module.wasm",
                TarConstants.LF_SYMLINK,
                "/etc/shadow",
                "a symbolic link to '/etc/shadow'"),
            new Case("rules/a/module.wasm", TarConstants.LF_LINK, "image.json", "a hard link"),
            new Case("rules/", TarConstants.LF_DIR, null, "a directory"),
            new Case("dev", TarConstants.LF_CHR, null, "a device"),
            new Case("fifo", TarConstants.LF_FIFO, null, "a FIFO"))) {
      ImageRejected e = refused(tarGz(t -> special(t, c.name(), c.type(), c.link())), SMALL);
      assertEquals(Reason.UNSAFE_ENTRY, e.reason(), c.says());
      assertContains(e.getMessage(), c.says(), "only plain files");
    }
  }

  @Test
  void duplicateEntriesAreRefusedAlsoWhenTheyDifferOnlyInCase() {
    ImageRejected same =
        refused(
            tarGz(
                t -> {
                  file(t, "image.json", new byte[] {1});
                  file(t, "image.json", new byte[] {2});
                }),
            SMALL);
    assertEquals(Reason.DUPLICATE_ENTRY, same.reason());
    assertContains(same.getMessage(), "entry 2 'image.json' repeats");
    ImageRejected caseOnly =
        refused(
            tarGz(
                t -> {
                  file(t, "rules/a/x.wasm", new byte[] {1});
                  file(t, "rules/A/x.wasm", new byte[] {2});
                }),
            SMALL);
    assertEquals(Reason.DUPLICATE_ENTRY, caseOnly.reason());
    assertContains(caseOnly.getMessage(), "differing only in case");
  }

  @Test
  void anEntryDeclaringMoreThanTheCapIsRefusedBeforeItIsRead() {
    // The header says 2 MiB: refused on the declared size; the data is never inflated.
    ImageRejected e =
        refused(
            tarGz(t -> file(t, "rules/a/module.wasm", new byte[2 << 20])),
            new ImageLimits(1 << 20, 64 << 20, 1 << 20, 8));
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertContains(
        e.getMessage(), "entry 1 'rules/a/module.wasm' declares 2097152 bytes", "at most 1048576");
  }

  @Test
  void aCompressionBombStopsAtTheTotalCap() {
    // 40 MiB of zeros in many entries each under the per-file cap: about 40 KiB compressed.
    byte[] zeros = new byte[1 << 20];
    byte[] bomb =
        tarGz(
            t -> {
              for (int i = 0; i < 40; i++) file(t, "z/" + i, zeros);
            });
    ImageLimits limits = new ImageLimits(1 << 20, 8 << 20, 1 << 20, 100);
    assertEquals(true, bomb.length < (1 << 20), "the bomb is small: " + bomb.length);
    ImageRejected e = refused(bomb, limits);
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertContains(e.getMessage(), "unpacks to more than 8388608 bytes", "compression bomb");
  }

  @Test
  void tooManyEntriesAreRefused() {
    ImageRejected e =
        refused(
            tarGz(
                t -> {
                  for (int i = 0; i < 9; i++) file(t, "f" + i, new byte[] {1});
                }),
            SMALL);
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertContains(e.getMessage(), "entry 9 'f8'", "more than 8 entries");
  }

  @Test
  void aStoredFileOverTheCapIsRefusedUnread() {
    ImageRejected e = refused(new byte[(1 << 20) + 1], SMALL);
    assertEquals(Reason.TOO_LARGE, e.reason());
    assertContains(e.getMessage(), "x.rimg: the file is 1048577 bytes");
  }

  @Test
  void aTruncatedFileIsRefusedAtEveryCut() {
    byte[] whole =
        TestImages.signed(
            TestImages.unsigned(TestImages.header("plant", 1), "pump"), TestImages.newSigner("a"));
    int refusedTruncated = 0;
    for (int cut = 1; cut < whole.length; cut += Math.max(1, whole.length / 97)) {
      byte[] part = Arrays.copyOf(whole, cut);
      ImageRejected e = refused(part, ImageLimits.defaults());
      assertEquals(
          true, e.reason() == Reason.TRUNCATED || e.reason() == Reason.MALFORMED, e.getMessage());
      if (e.reason() == Reason.TRUNCATED) {
        refusedTruncated++;
      }
    }
    assertEquals(true, refusedTruncated > 0, "cuts inside the data are reported as truncated");
    ImageRejected last = refused(Arrays.copyOf(whole, whole.length - 1), ImageLimits.defaults());
    assertEquals(Reason.TRUNCATED, last.reason(), last.getMessage());
  }

  @Test
  void bytesAfterTheEndAreRefused() throws IOException {
    byte[] whole = ImageArchive.write(Map.of("image.json", new byte[] {'{', '}'}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(whole);
    out.write("trailing".getBytes());
    ImageRejected e = refused(out.toByteArray(), SMALL);
    assertEquals(Reason.MALFORMED, e.reason());
    assertContains(e.getMessage(), "follow the end of the gzip stream");
  }

  @Test
  void dataAfterTheTarEndMarkerIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GzipCompressorOutputStream(out)) {
      ByteArrayOutputStream tar = new ByteArrayOutputStream();
      try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
        file(t, "image.json", new byte[] {'{', '}'});
        t.finish();
      }
      gz.write(tar.toByteArray());
      gz.write("smuggled".getBytes());
    }
    ImageRejected e = refused(out.toByteArray(), SMALL);
    assertEquals(Reason.MALFORMED, e.reason());
    assertContains(e.getMessage(), "data after the end of the tar archive");
  }
}
