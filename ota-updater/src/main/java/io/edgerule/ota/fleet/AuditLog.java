package io.edgerule.ota.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgerule.ota.device.internal.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The append-only, hash-chained audit log of every rollout decision and command: one JSON object a
 * line,
 *
 * <pre>{@code
 * {"seq":12,"time":"…","actor":"controller@host","action":"next-wave","rollout":"plant-2.1.0",
 *  "revision":9,"detail":"wave 1 passed: 93 of 95 committed","prev":"<SHA-256 of line 11>"}
 * }</pre>
 *
 * Each line carries the SHA-256 (hex) of the previous line's bytes (the first: 64 zeros), so a line
 * changed, removed or inserted breaks the chain at the next line ({@link #verify}). Cutting lines
 * off the end leaves a valid shorter chain: compare the head ({@link Entry#hash()} of the last
 * line, which the controller also publishes) with a copy kept elsewhere. Appends take an exclusive
 * file lock (two controllers cannot interleave) and are fsynced before the decision is published.
 */
public final class AuditLog {
  public static final String GENESIS = "0".repeat(64);

  private static final com.fasterxml.jackson.databind.ObjectReader STRICT =
      FleetJson.JSON
          .reader()
          .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Path file;
  private final String actor;
  private final Clock clock;

  /** One line: its number, its text and the SHA-256 of its bytes. */
  public record Entry(long seq, String line, String hash) {}

  /** What {@link #verify} found: the lines that chain, and the first that does not (if any). */
  public record Verdict(long lines, String head, Optional<String> problem) {
    public boolean intact() {
      return problem.isEmpty();
    }
  }

  public AuditLog(Path file, String actor, Clock clock) {
    this.file = file;
    this.actor = actor;
    this.clock = clock;
  }

  public Path file() {
    return file;
  }

  /**
   * Appends one record, chained to the last line, durably (fsync).
   *
   * @throws IOException if the file cannot be written, or its last line is not a record of this log
   *     (then nothing is appended: a broken log is not extended)
   */
  public synchronized Entry append(String action, String rollout, long revision, String detail)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    try (FileChannel ch =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      Entry last = lastEntry(ch);
      ObjectNode o = FleetJson.JSON.createObjectNode();
      long seq = last == null ? 1 : last.seq() + 1;
      o.put("seq", seq);
      o.put("time", clock.instant().toString());
      o.put("actor", actor);
      o.put("action", action);
      if (rollout == null) {
        o.putNull("rollout");
      } else {
        o.put("rollout", rollout);
      }
      o.put("revision", revision);
      o.put("detail", detail == null ? "" : detail);
      o.put("prev", last == null ? GENESIS : last.hash());
      String line = new String(FleetJson.bytes(o), StandardCharsets.UTF_8);
      byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      long at = ch.size();
      while (buf.hasRemaining()) {
        at += ch.write(buf, at);
      }
      ch.force(true);
      return new Entry(seq, line, hash(line));
    }
  }

  /** The last line of the log, or empty if the log is empty or missing. */
  public Optional<Entry> head() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return Optional.ofNullable(lastEntry(ch));
    }
  }

  private static Entry lastEntry(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size == 0) {
      return null;
    }
    // Read backwards in blocks until the start of the last line.
    ByteBuffer tail = ByteBuffer.allocate((int) Math.min(size, 64 * 1024));
    long from = size - tail.capacity();
    ch.read(tail, from);
    String text = new String(tail.array(), StandardCharsets.UTF_8);
    if (!text.endsWith("\n")) {
      throw new IOException("the audit log's last line is incomplete (a crash while appending?)");
    }
    String body = text.substring(0, text.length() - 1);
    int nl = body.lastIndexOf('\n');
    if (nl < 0 && from > 0) {
      throw new IOException("the audit log's last line is longer than 64 KiB");
    }
    String line = body.substring(nl + 1);
    JsonNode n = FleetJson.JSON.readTree(line);
    if (n == null || !n.path("seq").canConvertToLong() || !n.has("prev")) {
      throw new IOException("the audit log's last line is not an audit record: " + line);
    }
    return new Entry(n.get("seq").asLong(), line, hash(line));
  }

  /**
   * Checks the whole chain: every line is a record whose {@code seq} follows the line before and
   * whose {@code prev} is that line's SHA-256.
   */
  public static Verdict verify(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    byte[] all = Files.readAllBytes(file);
    String text = new String(all, StandardCharsets.UTF_8);
    if (!text.isEmpty() && !text.endsWith("\n")) {
      return new Verdict(0, GENESIS, Optional.of("the last line is incomplete"));
    }
    for (String l : text.split("\n", -1)) {
      lines.add(l);
    }
    lines.remove(lines.size() - 1); // after the last newline
    String prev = GENESIS;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      String where = file.getFileName() + ":" + (i + 1);
      JsonNode n;
      try {
        n = STRICT.readTree(l);
      } catch (IOException e) {
        return new Verdict(i, prev, Optional.of(where + ": not JSON (changed?)"));
      }
      if (n == null
          || !n.isObject()
          || !n.path("seq").isIntegralNumber()
          || !n.path("prev").isTextual()) {
        return new Verdict(i, prev, Optional.of(where + ": not an audit record"));
      }
      if (n.get("seq").asLong() != i + 1) {
        return new Verdict(
            i,
            prev,
            Optional.of(
                where
                    + ": seq "
                    + n.get("seq").asLong()
                    + ", expected "
                    + (i + 1)
                    + " (a line removed or inserted)"));
      }
      if (!n.get("prev").asText().equals(prev)) {
        return new Verdict(
            i,
            prev,
            Optional.of(
                where
                    + ": prev does not match the SHA-256 of line "
                    + i
                    + " (line "
                    + (i == 0 ? "1 is not the first record" : i + " was changed")
                    + ")"));
      }
      prev = hash(l);
    }
    return new Verdict(lines.size(), prev, Optional.empty());
  }

  static String hash(String line) {
    return Sha256.hex(line.getBytes(StandardCharsets.UTF_8));
  }
}
