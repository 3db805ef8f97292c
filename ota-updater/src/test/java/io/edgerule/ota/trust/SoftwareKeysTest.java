package io.edgerule.ota.trust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private key file is readable by its owner only, or it is not written: on the local (POSIX) file
 * system, on a zip file system with POSIX attributes, and refused on a zip file system without them
 * (the JDK's zipfs: a file system with no permissions at all, as a Windows share).
 */
class SoftwareKeysTest {
  @TempDir Path tmp;

  @Test
  void aPrivateKeyIsWrittenReadableByItsOwnerOnlyAndReadsBack() throws Exception {
    KeyPair pair = SoftwareKeys.generate();
    Path file = tmp.resolve("release.key");
    SoftwareKeys.writePrivate(file, pair.getPrivate());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    KeyPair read = SoftwareKeys.readPrivate(file);
    assertArrayEquals(pair.getPrivate().getEncoded(), read.getPrivate().getEncoded());
    assertArrayEquals(pair.getPublic().getEncoded(), read.getPublic().getEncoded());
  }

  @Test
  void anExistingFileIsNeverOverwritten() throws Exception {
    Path file = tmp.resolve("release.key");
    Files.writeString(file, "kept");
    assertThrows(
        FileAlreadyExistsException.class,
        () -> SoftwareKeys.writePrivate(file, SoftwareKeys.generate().getPrivate()));
    assertEquals("kept", Files.readString(file));
  }

  @Test
  void aFileSystemWithoutPosixPermissionsIsRefusedAndNothingIsWritten() throws Exception {
    try (FileSystem zip =
        FileSystems.newFileSystem(tmp.resolve("keys.zip"), Map.of("create", "true"))) {
      Path file = zip.getPath("/release.key");
      FileSystemException e =
          assertThrows(
              FileSystemException.class,
              () -> SoftwareKeys.writePrivate(file, SoftwareKeys.generate().getPrivate()));
      assertTrue(e.getMessage().startsWith("/release.key: "), e.getMessage());
      assertTrue(
          e.getMessage().contains("readable by its owner only")
              && e.getMessage().contains("no POSIX permissions"),
          e.getMessage());
      assertFalse(Files.exists(file), "no file left behind");
    }
  }

  @Test
  void aFileSystemWithPosixPermissionsOtherThanTheLocalOneKeepsTheKeyOwnerOnly() throws Exception {
    try (FileSystem zip =
        FileSystems.newFileSystem(
            tmp.resolve("keys.zip"),
            Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
      Path file = zip.getPath("/release.key");
      SoftwareKeys.writePrivate(file, SoftwareKeys.generate().getPrivate());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----"));
    }
  }
}
