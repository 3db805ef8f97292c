package io.edgerule.daemon.config;

import io.edgerule.adapter.SizeText;

/** A size in bytes, written in the config as {@link SizeText} reads it ({@code 64 MiB}). */
public record ByteSize(long bytes) {
  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size is never negative, got " + bytes);
    }
  }

  @Override
  public String toString() {
    return SizeText.format(bytes);
  }
}
