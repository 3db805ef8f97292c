package io.edgerule.ota.image;

import static io.edgerule.ota.image.TestImages.context;
import static io.edgerule.ota.image.TestImages.header;
import static io.edgerule.ota.image.TestImages.newSigner;
import static io.edgerule.ota.image.TestImages.root;
import static io.edgerule.ota.image.TestImages.signed;
import static io.edgerule.ota.image.TestImages.unsigned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgerule.ota.trust.Signer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image repacked by GNU tar (POSIX format, PAX headers, 10 KiB blocking padded with zeros) still
 * verifies: the format is plain tar+gzip, not a private dialect of our writer.
 */
class GnuTarInteropTest {
  @TempDir Path dir;

  @Test
  void anImageRepackedByGnuTarVerifies() throws Exception {
    Signer a = newSigner("a");
    byte[] ours = signed(unsigned(header("plant", 1), "pump", "deadband"), a);
    Map<String, byte[]> entries =
        ImageArchive.read(ours, "ours.rimg", ImageLimits.defaults()).entries();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "tar",
                "--format=posix",
                "--owner=0",
                "--group=0",
                "-czf",
                dir.resolve("gnu.rimg").toString(),
                "-C",
                dir.resolve("files").toString()));
    for (var e : entries.entrySet()) {
      Path f = dir.resolve("files").resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.write(f, e.getValue());
      cmd.add(e.getKey()); // files only: tar adds no directory entries for them
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("GNU tar (Debian package tar) failed: " + out);
    }
    byte[] gnu = Files.readAllBytes(dir.resolve("gnu.rimg"));
    VerifiedImage v =
        new ImageVerifier().verify(gnu, "gnu.rimg", context(root(1, List.of(a), Set.of()), 0));
    assertEquals(List.of("pump", "deadband"), v.rules().stream().map(VerifiedRule::name).toList());
  }
}
