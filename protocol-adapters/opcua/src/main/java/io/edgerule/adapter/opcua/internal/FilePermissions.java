package io.edgerule.adapter.opcua.internal;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files only their owner may read: the gateway's private key. */
final class FilePermissions {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private FilePermissions() {}

  /**
   * Makes {@code file} (new and still empty: nothing secret is in it yet) readable and writable by
   * its owner only.
   *
   * @throws FileSystemException when its file system has no POSIX permissions (a key written there
   *     would be readable by others) or does not keep {@code rw-------}: the caller must then write
   *     nothing secret to it
   */
  static void ownerOnly(Path file) throws IOException {
    // The file system's views, not Files.getFileStore: that needs the folder's mount point in
    // /proc/self/mounts and throws "Mount point not found" in a chroot. A mount that accepts the
    // mode but ignores it is caught by the read-back.
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      throw notOwnerOnly(file, "its file system has no POSIX permissions");
    }
    Files.setPosixFilePermissions(file, OWNER_ONLY);
    Set<PosixFilePermission> made = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(made)) {
      throw notOwnerOnly(
          file,
          "its file system made it " + PosixFilePermissions.toString(made) + ", not rw-------");
    }
  }

  private static FileSystemException notOwnerOnly(Path file, String why) {
    return new FileSystemException(
        file.toString(),
        null,
        "a private key file must be readable by its owner only, and "
            + why
            + "; the key is not written: keep the state folder on a POSIX file system (ext4, xfs,"
            + " tmpfs, ...)");
  }
}
