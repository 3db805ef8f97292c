package io.edgerule.adapter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one reader of edgerule's YAML files (the gateway config and rule manifests): a bounded read
 * (a path may name a huge file or a device that never ends, such as /dev/zero) of strict UTF-8, a
 * byte that is not UTF-8 reported at its line and column, and the same messages for every file.
 */
public final class TextFile {

  /** Why a file could not be read as text; line and column are 0 when no position applies. */
  public static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;

    Unreadable(int line, int column, String problem) {
      super(problem);
      this.line = line;
      this.column = column;
    }

    /** 1-based line of the offending byte, or 0. */
    public int line() {
      return line;
    }

    /** 1-based column (in characters) of the offending byte, or 0. */
    public int column() {
      return column;
    }

    /** What is wrong, without file or position (e.g. "cannot read: no such file"). */
    public String problem() {
      return getMessage();
    }
  }

  private TextFile() {}

  /**
   * Reads {@code file} as UTF-8 text of at most {@code maxBytes} bytes; only one byte more than
   * that is ever read.
   *
   * @param whatItIs ends the "too large" message, e.g. "a manifest is a few lines of YAML"
   * @throws Unreadable "cannot read: ...", "the file is larger than 2 MiB; ..." or "not UTF-8 text:
   *     ..." at its line and column
   */
  public static String read(Path file, int maxBytes, String whatItIs) throws Unreadable {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new Unreadable(0, 0, "cannot read: " + reason(e));
    }
    if (bytes.length > maxBytes) {
      throw new Unreadable(0, 0, "the file is larger than " + size(maxBytes) + "; " + whatItIs);
    }
    return utf8(bytes);
  }

  /** Decodes strict UTF-8; the first invalid byte is reported at its line and column. */
  public static String utf8(byte[] bytes) throws Unreadable {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never decodes to more chars
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < out.position(); i++) {
        if (out.get(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      int offset = Math.min(in.position(), bytes.length - 1);
      throw new Unreadable(
          line,
          out.position() - lineStart + 1,
          String.format(
              Locale.ROOT,
              "not UTF-8 text: byte 0x%02X at offset %d is not a valid UTF-8 sequence; save the"
                  + " file as UTF-8",
              bytes[offset] & 0xff,
              offset));
    }
    return out.flip().toString();
  }

  /** "no such file", "permission denied", or the system's reason ("Is a directory"). */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** {@code 2 MiB}, {@code 256 KiB}, or {@code 1000 bytes}. */
  static String size(int bytes) {
    if (bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB";
    }
    if (bytes % 1024 == 0) {
      return bytes / 1024 + " KiB";
    }
    return bytes + " bytes";
  }
}
