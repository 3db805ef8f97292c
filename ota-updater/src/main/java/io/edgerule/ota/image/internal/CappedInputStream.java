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
  private boolean skippedData;

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

  /**
   * Reads what is skipped and remembers whether any of it was not zero: a tar reader skips only
   * padding (between entries, after the end marker), and padding that carries data is a smuggled
   * payload no one would see otherwise.
   */
  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (r < 0) {
        break;
      }
      for (int i = 0; i < r; i++) {
        skippedData |= buf[i] != 0;
      }
      skipped += r;
    }
    return skipped;
  }

  /** Whether a skipped byte was not zero. */
  public boolean skippedData() {
    return skippedData;
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
