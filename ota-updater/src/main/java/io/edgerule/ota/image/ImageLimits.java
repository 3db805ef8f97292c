package io.edgerule.ota.image;

/**
 * Caps on what reading an image may cost, checked while streaming: before a byte of an entry is
 * read (its declared size) and as bytes come out of the decompressor (the actual size), so a
 * compression bomb stops at the cap instead of filling memory.
 *
 * @param maxImageBytes the {@code .rimg} file as stored (compressed)
 * @param maxTotalBytes everything the decompressor yields (entries, tar headers and padding)
 * @param maxEntryBytes one file inside the image
 * @param maxEntries files inside the image
 */
public record ImageLimits(
    long maxImageBytes, long maxTotalBytes, long maxEntryBytes, int maxEntries) {
  /** No limit above this is accepted, whatever the caller asks (also the largest listed size). */
  public static final long HARD_MAX_ENTRY = 64L * 1024 * 1024;

  public ImageLimits {
    if (maxImageBytes <= 0 || maxTotalBytes <= 0 || maxEntryBytes <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("image limits must be positive");
    }
    if (maxEntryBytes > HARD_MAX_ENTRY) {
      throw new IllegalArgumentException("maxEntryBytes above " + HARD_MAX_ENTRY);
    }
  }

  /**
   * 32 MiB stored, 96 MiB unpacked, 16 MiB per file (twice the sandbox's largest module, 8 MiB,
   * leaving room for self-test vectors), 260 files (64 rules with four files each, and the two of
   * the image's own).
   */
  public static ImageLimits defaults() {
    return new ImageLimits(32L << 20, 96L << 20, 16L << 20, 260);
  }
}
