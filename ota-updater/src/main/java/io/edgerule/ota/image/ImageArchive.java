package io.edgerule.ota.image;

import io.edgerule.ota.image.ImageRejected.Reason;
import io.edgerule.ota.image.internal.CappedInputStream;
import io.edgerule.ota.image.internal.EntryNames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;

/**
 * The {@code .rimg} container: a POSIX tar archive compressed with gzip, holding {@code image.json}
 * (the manifest), {@code signatures.json} and the files the manifest lists. Reading refuses
 * anything but plain files with safe relative names, repeated names, and anything over the {@link
 * ImageLimits}, checked while streaming. It does not check signatures or hashes: that is {@link
 * ImageVerifier}'s job; {@link Contents} is untrusted.
 */
public final class ImageArchive {
  /** The image manifest, the document signatures cover. */
  public static final String MANIFEST = "image.json";

  /** The signatures over the manifest. */
  public static final String SIGNATURES = "signatures.json";

  private ImageArchive() {}

  /** The files of an image, in archive order; nothing in it is verified yet. */
  public record Contents(String name, Map<String, byte[]> entries) {
    public Contents {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** Where an entry is, for messages ({@code plant.rimg!image.json}). */
    public String where(String entry) {
      return name + "!" + entry;
    }
  }

  /**
   * Reads an image file's bytes.
   *
   * @param name names the file in messages
   * @throws ImageRejected MALFORMED, TRUNCATED, UNSAFE_ENTRY, DUPLICATE_ENTRY or TOO_LARGE
   */
  public static Contents read(byte[] file, String name, ImageLimits limits) throws ImageRejected {
    if (file.length > limits.maxImageBytes()) {
      throw new ImageRejected(
          Reason.TOO_LARGE,
          name
              + ": the file is "
              + file.length
              + " bytes; at most "
              + limits.maxImageBytes()
              + " are accepted");
    }
    ByteArrayInputStream raw = new ByteArrayInputStream(file);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    Map<String, String> identities = new HashMap<>();
    CappedInputStream unpacked = null;
    try (GzipCompressorInputStream gz = new GzipCompressorInputStream(raw)) {
      unpacked = new CappedInputStream(gz, limits.maxTotalBytes());
      // Block size 512: the reader then consumes nothing past the end marker, and the check below
      // sees whatever follows it (with the default 10240 it silently swallowed data up to there).
      TarArchiveInputStream tar = new TarArchiveInputStream(unpacked, 512);
      int index = 0;
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        index++;
        String entryName = e.getName();
        String at = name + ": entry " + index + " '" + entryName + "'";
        if (index > limits.maxEntries()) {
          throw new ImageRejected(
              Reason.TOO_LARGE,
              at + ": more than " + limits.maxEntries() + " entries in the image");
        }
        checkKind(e, at);
        String problem = EntryNames.problem(entryName);
        if (problem != null) {
          throw new ImageRejected(Reason.UNSAFE_ENTRY, at + " " + problem);
        }
        String earlier = identities.putIfAbsent(EntryNames.identity(entryName), entryName);
        if (earlier != null) {
          throw new ImageRejected(
              Reason.DUPLICATE_ENTRY,
              at
                  + " repeats the name of an earlier entry"
                  + (earlier.equals(entryName)
                      ? ""
                      : " ('" + earlier + "', differing only in case)"));
        }
        long declared = e.getSize();
        if (declared > limits.maxEntryBytes()) {
          throw new ImageRejected(
              Reason.TOO_LARGE,
              at
                  + " declares "
                  + declared
                  + " bytes; at most "
                  + limits.maxEntryBytes()
                  + " are accepted per file");
        }
        byte[] data = tar.readNBytes((int) declared);
        if (data.length != declared) {
          throw new ImageRejected(
              Reason.TRUNCATED,
              at + ": the file ends after " + data.length + " of its " + declared + " bytes");
        }
        entries.put(entryName, data);
      }
      // Read to the end: the gzip trailer's CRC and length are checked only there, and nothing but
      // the tar's zero padding may follow its end-of-archive marker.
      byte[] rest = unpacked.readAllBytes();
      boolean data = unpacked.skippedData();
      for (byte b : rest) {
        data |= b != 0;
      }
      {
        if (data) {
          throw new ImageRejected(
              Reason.MALFORMED, name + ": data after the end of the tar archive");
        }
      }
    } catch (CappedInputStream.Exceeded e) {
      throw new ImageRejected(
          Reason.TOO_LARGE,
          name
              + ": unpacks to more than "
              + limits.maxTotalBytes()
              + " bytes (a compression bomb?)");
    } catch (EOFException e) {
      throw new ImageRejected(
          Reason.TRUNCATED, name + ": the file is cut off (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new ImageRejected(
          truncated(e) ? Reason.TRUNCATED : Reason.MALFORMED,
          name + ": not a readable .rimg (gzip-compressed tar): " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // Commons Compress reports some malformed headers (bad octal numbers) this way.
      throw new ImageRejected(Reason.MALFORMED, name + ": a damaged tar header: " + e.getMessage());
    }
    if (raw.available() > 0) {
      throw new ImageRejected(
          Reason.MALFORMED,
          name + ": " + raw.available() + " bytes follow the end of the gzip stream");
    }
    return new Contents(name, entries);
  }

  private static boolean truncated(IOException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return m.contains("truncated") || m.contains("unexpected end") || m.contains("premature");
  }

  private static void checkKind(TarArchiveEntry e, String at) throws ImageRejected {
    String kind = null;
    if (e.isSymbolicLink()) {
      kind = "a symbolic link to '" + e.getLinkName() + "'";
    } else if (e.isLink()) {
      kind = "a hard link to '" + e.getLinkName() + "'";
    } else if (e.isDirectory()) {
      kind = "a directory";
    } else if (e.isCharacterDevice() || e.isBlockDevice()) {
      kind = "a device";
    } else if (e.isFIFO()) {
      kind = "a FIFO";
    } else if (e.isSparse() || e.isGNUSparse() || e.isStarSparse() || e.isPaxGNUSparse()) {
      kind = "a sparse file";
    } else if (!e.isFile()) {
      kind = "not a plain file (type '" + (char) e.getLinkFlag() + "')";
    }
    if (kind != null) {
      throw new ImageRejected(
          Reason.UNSAFE_ENTRY, at + " is " + kind + ": an image holds only plain files");
    }
  }

  /**
   * Writes an image: the entries in the given order, each a plain file with mode 0644, owner 0 and
   * time 0, gzip without a name or time, so the same entries always give the same bytes.
   */
  public static byte[] write(Map<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GzipParameters gzip = new GzipParameters();
    gzip.setModificationTime(0);
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out, gzip);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        String problem = EntryNames.problem(e.getKey());
        if (problem != null) {
          throw new IllegalArgumentException("entry name '" + e.getKey() + "' " + problem);
        }
        TarArchiveEntry t = new TarArchiveEntry(e.getKey(), true);
        t.setSize(e.getValue().length);
        t.setMode(0100644);
        t.setModTime(0);
        t.setIds(0, 0);
        t.setNames("", "");
        tar.putArchiveEntry(t);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return out.toByteArray();
  }

  /** Reads a stream fully, refusing more than {@code max} bytes (for callers reading a file). */
  public static byte[] readAtMost(InputStream in, long max, String name)
      throws IOException, ImageRejected {
    byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    if (data.length > max) {
      throw new ImageRejected(Reason.TOO_LARGE, name + ": larger than " + max + " bytes");
    }
    return data;
  }
}
