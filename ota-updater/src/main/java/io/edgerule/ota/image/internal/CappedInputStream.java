package io.edgerule.ota.image.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read through it and fails with {@link Exceeded} at the first byte past the cap:
 * put between a decompressor and its reader, it stops a compression bomb after {@code cap} bytes,
 * whatever the archive's headers claim.
 */
public final class CappedInputStream extends FilterInputStream {
  /** Thrown when more than the cap would be read. */
  public static final class Exceeded extends IOException {
    public Exceeded(long cap) {
      super("more than " + cap + " bytes");
    }
  }

  private final long cap;
  private long count;

  public CappedInputStream(InputStream in, long cap) {
    super(in);
    this.cap = cap;
  }

  public long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    // Never ask for more than one byte past the cap: the overrun is detected without reading it
    // all.
    long room = cap - count + 1;
    int n = super.read(buf, off, (int) Math.min(len, Math.max(1, room)));
    if (n > 0) {
      add(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(Math.min(n, cap - count + 1));
    add(skipped);
    return skipped;
  }

  private void add(long n) throws Exceeded {
    count += n;
    if (count > cap) {
      throw new Exceeded(cap);
    }
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
