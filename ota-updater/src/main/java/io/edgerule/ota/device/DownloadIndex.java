package io.edgerule.ota.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a download fetches: the image file's SHA-256 and size, cut in chunks of {@code chunkSize}
 * bytes (the last one shorter), each with its SHA-256. Published by the fleet beside the chunks;
 * chunk hashes let a gateway keep every good chunk across reconnects and restarts and refetch only
 * a damaged one. (The image's signature, checked after the download, is what makes it trusted.)
 */
public record DownloadIndex(String sha256, long size, int chunkSize, List<String> chunks) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  /** The largest image a gateway downloads (64 MiB); a bigger index is refused. */
  public static final long MAX_SIZE = 64L * 1024 * 1024;

  public DownloadIndex {
    Objects.requireNonNull(sha256, "sha256");
    chunks = List.copyOf(chunks);
    if (!HEX.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256: expected 64 lower-case hex digits");
    }
    if (size <= 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("size: must be 1.." + MAX_SIZE + " bytes, got " + size);
    }
    if (chunkSize < 1024 || chunkSize > 4 * 1024 * 1024) {
      throw new IllegalArgumentException("chunk_size: must be 1 KiB..4 MiB, got " + chunkSize);
    }
    long expected = (size + chunkSize - 1) / chunkSize;
    if (chunks.size() != expected) {
      throw new IllegalArgumentException(
          "chunks: "
              + size
              + " bytes in chunks of "
              + chunkSize
              + " need "
              + expected
              + " chunk hashes, got "
              + chunks.size());
    }
    for (int i = 0; i < chunks.size(); i++) {
      if (!HEX.matcher(chunks.get(i)).matches()) {
        throw new IllegalArgumentException("chunks[" + i + "]: expected 64 lower-case hex digits");
      }
    }
  }

  /** The index of {@code file}, cut in chunks of {@code chunkSize} (the fleet side). */
  public static DownloadIndex of(byte[] file, int chunkSize) {
    List<String> hashes = new ArrayList<>();
    for (int off = 0; off < file.length; off += chunkSize) {
      int len = Math.min(chunkSize, file.length - off);
      byte[] c = new byte[len];
      System.arraycopy(file, off, c, 0, len);
      hashes.add(io.edgerule.ota.device.internal.Sha256.hex(c));
    }
    return new DownloadIndex(
        io.edgerule.ota.device.internal.Sha256.hex(file), file.length, chunkSize, hashes);
  }

  /** The length of chunk {@code n}. */
  public int lengthOf(int n) {
    return (int) Math.min(chunkSize, size - (long) n * chunkSize);
  }

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("sha256", sha256).put("size", size).put("chunk_size", chunkSize);
    chunks.forEach(n.putArray("chunks")::add);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses an index.
   *
   * @throws IllegalArgumentException saying what is wrong, naming {@code where}
   */
  public static DownloadIndex parse(byte[] json, String where) {
    try {
      JsonNode n = JSON.readTree(json);
      List<String> chunks = new ArrayList<>();
      n.path("chunks").forEach(c -> chunks.add(c.asText()));
      return new DownloadIndex(
          n.path("sha256").asText(), n.path("size").asLong(), n.path("chunk_size").asInt(), chunks);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(where + ": not a download index: " + e.getMessage(), e);
    }
  }
}
