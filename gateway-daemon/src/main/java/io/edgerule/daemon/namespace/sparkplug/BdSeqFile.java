package io.edgerule.daemon.namespace.sparkplug;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.eclipse.tahu.message.BdSeqManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the next birth/death sequence number ({@code bdSeq}, 0-255) in a file of the gateway's
 * state directory, so it goes on across restarts as Sparkplug B asks: a host that saw NBIRTH with
 * bdSeq 7 must never take an NDEATH of an earlier session for the current one. Tahu's own {@code
 * DefaultBdSeqManager} keeps it under {@code java.io.tmpdir}, which many systems empty at boot.
 *
 * <p>The file is replaced atomically (written beside, fsynced, renamed). A missing file starts at
 * 0; an unreadable one is reported and starts at 0 as well (a host then sees the new session's
 * NBIRTH, which is what counts).
 */
final class BdSeqFile implements BdSeqManager {
  private static final Logger log = LoggerFactory.getLogger(BdSeqFile.class);

  private final Path file;
  private long next = -1; // read from the file at the first take()

  BdSeqFile(Path file) {
    this.file = file;
  }

  @Override
  public long getNextDeathBdSeqNum() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      log.warn("cannot read Sparkplug bdSeq from {}: {}; starting at 0", file, e.toString());
      return 0;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= 0 && n <= 255) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    log.warn("{}: '{}' is not a bdSeq (0-255); starting at 0", file, text);
    return 0;
  }

  @Override
  public void storeNextDeathBdSeqNum(long bdSeqNum) {
    if (bdSeqNum < 0 || bdSeqNum > 255) {
      throw new IllegalArgumentException("bdSeq must be 0-255, was " + bdSeqNum);
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap((bdSeqNum + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store Sparkplug bdSeq in " + file, e);
    }
  }

  /**
   * Takes the bdSeq for the next connection and stores its successor (255 is followed by 0). When
   * the file cannot be written the error is logged and the numbers go on in memory: refusing to
   * connect would be worse than a bdSeq that may repeat after the next restart.
   */
  synchronized long take() {
    long n = next >= 0 ? next : getNextDeathBdSeqNum();
    next = (n + 1) & 0xFF;
    try {
      storeNextDeathBdSeqNum(next);
    } catch (UncheckedIOException e) {
      log.error("{}; bdSeq goes on in memory only", e.getMessage() + ": " + e.getCause());
    }
    return n;
  }
}
