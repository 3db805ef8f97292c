package io.edgerule.adapter.opcua.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

final class FilePermissions {
  private FilePermissions() {}

  /** rw for the owner only, where the file system has POSIX permissions (private keys). */
  static void ownerOnly(Path file) throws IOException {
    if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }
}
