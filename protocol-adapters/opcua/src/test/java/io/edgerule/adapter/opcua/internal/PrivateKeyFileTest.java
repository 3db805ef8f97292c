package io.edgerule.adapter.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's OPC-UA private key is readable by its owner only, or it is not written: on the
 * local (POSIX) file system and on a zip file system with POSIX attributes, and refused on a zip
 * file system without them (the JDK's zipfs: a file system with no permissions at all, as a Windows
 * share), leaving no file behind.
 */
class PrivateKeyFileTest {
  @TempDir Path tmp;

  private static PrivateKey key() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair().getPrivate();
  }

  @Test
  void theKeyIsWrittenReadableByItsOwnerOnlyAndReadsBack() throws Exception {
    PrivateKey key = key();
    Path file = tmp.resolve("own/private/edgerule-gateway.pem");
    Certificates.writePrivateKey(key, file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertArrayEquals(key.getEncoded(), Certificates.readPrivateKey(file).getEncoded());
  }

  @Test
  void aFileSystemWithoutPosixPermissionsIsRefusedAndNothingIsLeft() throws Exception {
    try (FileSystem zip =
        FileSystems.newFileSystem(tmp.resolve("state.zip"), Map.of("create", "true"))) {
      Path file = zip.getPath("/own/private/edgerule-gateway.pem");
      FileSystemException e =
          assertThrows(FileSystemException.class, () -> Certificates.writePrivateKey(key(), file));
      assertTrue(e.getMessage().startsWith("/own/private/edgerule-gateway.pem: "), e.getMessage());
      assertTrue(
          e.getMessage().contains("readable by its owner only")
              && e.getMessage().contains("no POSIX permissions"),
          e.getMessage());
      try (Stream<Path> left = Files.list(file.getParent())) {
        assertEquals(0, left.count(), "neither the key nor its temporary file is left");
      }
    }
  }

  @Test
  void aFileSystemWithPosixPermissionsOtherThanTheLocalOneKeepsTheKeyOwnerOnly() throws Exception {
    try (FileSystem zip =
        FileSystems.newFileSystem(
            tmp.resolve("state.zip"),
            Map.of("create", "true", "enablePosixFileAttributes", "true"))) {
      Path file = zip.getPath("/own/private/edgerule-gateway.pem");
      Certificates.writePrivateKey(key(), file);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertTrue(Files.readString(file).startsWith("-----BEGIN PRIVATE KEY-----"));
    }
  }
}
