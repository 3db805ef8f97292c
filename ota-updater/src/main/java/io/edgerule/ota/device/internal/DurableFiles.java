package io.edgerule.ota.device.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Durable file operations: a file is written to a temporary name, fsynced, renamed over its final
 * name and its folder fsynced, so a crash or power loss at any moment leaves either the old file or
 * the new one. Each step reports itself to {@link CrashPoints}.
 */
public final class DurableFiles {
  public static final String TMP_SUFFIX = ".tmp";

  private final CrashPoints crash;

  public DurableFiles(CrashPoints crash) {
    this.crash = crash;
  }

  /** Replaces {@code file} atomically with {@code bytes}. */
  public void replace(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
    String name = file.getFileName().toString();
    writeAndSync(tmp, bytes);
    crash.reached("before rename " + name);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    crash.reached("after rename " + name);
    syncFolder(file.getParent());
  }

  /** Writes a new file (its folder is fsynced by the caller once all files are written). */
  public void writeAndSync(Path file, byte[] bytes) throws IOException {
    String name = file.getFileName().toString();
    crash.reached("before write " + name);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      int half = bytes.length / 2;
      // Two writes with a crash point between them: a torn file is one of the states to survive.
      buf.limit(half);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      crash.reached("half written " + name);
      buf.limit(bytes.length);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      crash.reached("before fsync " + name);
      ch.force(true);
    }
    crash.reached("after fsync " + name);
  }

  /** Fsyncs a folder, so the names created or renamed in it survive a power loss. */
  public void syncFolder(Path folder) throws IOException {
    crash.reached("before fsync folder " + folder.getFileName());
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    }
    crash.reached("after fsync folder " + folder.getFileName());
  }

  /** Renames a folder or file atomically and fsyncs the parent folder. */
  public void rename(Path from, Path to) throws IOException {
    crash.reached("before rename " + from.getFileName());
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    crash.reached("after rename " + from.getFileName());
    syncFolder(to.getParent());
  }

  /** Deletes a file or a folder tree; missing is fine. */
  public void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    crash.reached("before delete " + path.getFileName());
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException e) {
          // already gone
        }
      }
    }
  }
}
