package io.edgerule.ota.device;

import io.edgerule.ota.device.internal.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One image being downloaded into {@code <folder>/<sha256>.part}, chunk by chunk in any order. A
 * chunk is kept only if its SHA-256 matches the index, and written with an fsync; opening the part
 * file again (after a restart) hashes what it holds, so a download resumes with the chunks that are
 * good and fetches the others, whatever a crash left half-written.
 *
 * <p>Thread-safe.
 */
public final class ImageDownload implements AutoCloseable {
  private final DownloadIndex index;
  private final Path part;
  private final FileChannel channel;
  private final BitSet have = new BitSet();
  private final AtomicLong refused = new AtomicLong();

  public ImageDownload(Path folder, DownloadIndex index) throws IOException {
    this.index = index;
    Files.createDirectories(folder);
    this.part = folder.resolve(index.sha256() + ".part");
    this.channel =
        FileChannel.open(
            part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    for (int n = 0; n < index.chunks().size(); n++) {
      byte[] c = read(n);
      if (c != null && Sha256.hex(c).equals(index.chunks().get(n))) {
        have.set(n);
      }
    }
  }

  public DownloadIndex index() {
    return index;
  }

  private byte[] read(int n) throws IOException {
    long off = (long) n * index.chunkSize();
    int len = index.lengthOf(n);
    if (channel.size() < off + len) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.allocate(len);
    while (buf.hasRemaining() && channel.read(buf, off + buf.position()) > 0) {
      // positional reads until the chunk is in
    }
    return buf.array();
  }

  /**
   * Offers chunk {@code n}.
   *
   * @return false if it was refused (its hash does not match the index, or no such chunk); counted
   */
  public synchronized boolean accept(int n, byte[] data) throws IOException {
    if (n < 0
        || n >= index.chunks().size()
        || data.length != index.lengthOf(n)
        || !Sha256.hex(data).equals(index.chunks().get(n))) {
      refused.incrementAndGet();
      return false;
    }
    if (have.get(n)) {
      return true; // a duplicate (redelivered after a reconnect)
    }
    ByteBuffer buf = ByteBuffer.wrap(data);
    long off = (long) n * index.chunkSize();
    while (buf.hasRemaining()) {
      channel.write(buf, off + buf.position());
    }
    channel.force(false);
    have.set(n);
    return true;
  }

  public synchronized int chunksHeld() {
    return have.cardinality();
  }

  /** The first chunk not held yet, or -1 when all are. */
  public synchronized int firstMissing() {
    int n = have.nextClearBit(0);
    return n >= index.chunks().size() ? -1 : n;
  }

  public synchronized boolean complete() {
    return have.cardinality() == index.chunks().size();
  }

  /** Chunks refused so far (bad hash, wrong size, unknown number). */
  public long refused() {
    return refused.get();
  }

  /**
   * The whole image, once complete: checked against the index's SHA-256, then the part file is
   * deleted.
   *
   * @throws IOException if it is not complete or the whole does not match (then the part file is
   *     deleted and the download starts again)
   */
  public synchronized byte[] finish() throws IOException {
    if (!complete()) {
      throw new IOException(
          "download of "
              + index.sha256()
              + " incomplete: "
              + chunksHeld()
              + " of "
              + index.chunks().size()
              + " chunks");
    }
    byte[] all = new byte[(int) index.size()];
    ByteBuffer buf = ByteBuffer.wrap(all);
    while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) {
      // positional reads until the file is in
    }
    channel.close();
    Files.deleteIfExists(part);
    if (!Sha256.hex(all).equals(index.sha256())) {
      throw new IOException("downloaded image does not match its SHA-256 " + index.sha256());
    }
    return all;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
