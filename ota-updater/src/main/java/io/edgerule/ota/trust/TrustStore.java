package io.edgerule.ota.trust;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The trust root a gateway holds, in a file ({@code <state_dir>/trust/root.json}): read at start,
 * replaced only by a newer root that {@link RootChain} accepts, written atomically (temp file,
 * fsync, rename, fsync of the folder) so a power loss leaves the old root or the new one.
 */
public final class TrustStore {
  private final Path file;
  private volatile TrustRoot current;

  private TrustStore(Path file, TrustRoot current) {
    this.file = file;
    this.current = current;
  }

  /**
   * Opens the store; when the file does not exist yet, installs {@code initial} (the root the
   * gateway was provisioned with, checked against its own signatures).
   *
   * @throws TrustException when the stored or the initial root is not a valid self-signed root
   */
  public static TrustStore open(Path file, byte[] initial) throws IOException, TrustException {
    if (Files.exists(file)) {
      return new TrustStore(file, TrustRoot.parse(Files.readAllBytes(file), file.toString()));
    }
    TrustRoot root = TrustRoot.parse(initial, "the provisioned trust root");
    write(file, root.envelope());
    return new TrustStore(file, root);
  }

  /** Where the root is kept. */
  public Path file() {
    return file;
  }

  /** The root trusted now. */
  public TrustRoot current() {
    return current;
  }

  /**
   * Moves to the newest of {@code newer} (envelopes, oldest first) if the whole chain follows the
   * current root; on any refusal nothing changes.
   */
  public synchronized TrustRoot update(List<byte[]> newer, Instant now)
      throws IOException, TrustException {
    List<TrustRoot> roots = new ArrayList<>();
    for (int i = 0; i < newer.size(); i++) {
      roots.add(TrustRoot.parseUnchecked(newer.get(i), "new root " + (i + 1)));
    }
    TrustRoot next = RootChain.advance(current, roots, now);
    if (next != current) {
      write(file, next.envelope());
      current = next;
    }
    return next;
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself must survive a power loss
    }
  }
}
