package io.edgerule.sandbox.internal;

import io.edgerule.sandbox.RuleStateStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * {@code <stateDir>/rules/<rule>/state.bin}: "ERS1", u32 entry count, then per entry u16 key
 * length, key (UTF-8), u32 value length, value; then the CRC-32 of everything before it (all
 * big-endian).
 */
public final class StateFiles implements RuleStateStore {
  private static final int MAGIC = 0x45525331; // "ERS1"

  private final Path stateDir;

  public StateFiles(Path stateDir) {
    this.stateDir = stateDir;
  }

  public Path file(String rule) {
    if (rule.isEmpty() || rule.equals(".") || rule.equals("..") || rule.contains("/")) {
      throw new IllegalArgumentException("rule name '" + rule + "' cannot name a state folder");
    }
    return stateDir.resolve("rules").resolve(rule).resolve("state.bin");
  }

  @Override
  public Map<String, byte[]> load(String rule) throws IOException {
    Path file = file(rule);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    try {
      return decode(bytes);
    } catch (RuntimeException e) {
      throw new IOException(file + " is damaged: " + e.getMessage(), e);
    }
  }

  static Map<String, byte[]> decode(byte[] bytes) {
    if (bytes.length < 12) {
      throw new IllegalArgumentException("only " + bytes.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
      throw new IllegalArgumentException("checksum mismatch");
    }
    if (in.getInt() != MAGIC) {
      throw new IllegalArgumentException("not a rule state file (bad magic)");
    }
    int count = in.getInt();
    Map<String, byte[]> out = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      byte[] key = new byte[Short.toUnsignedInt(in.getShort())];
      in.get(key);
      byte[] value = new byte[in.getInt()];
      in.get(value);
      out.put(new String(key, StandardCharsets.UTF_8), value);
    }
    if (in.remaining() != 4) {
      throw new IllegalArgumentException(in.remaining() - 4 + " stray bytes after the entries");
    }
    return out;
  }

  static byte[] encode(Map<String, byte[]> state) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buf);
      out.writeInt(MAGIC);
      out.writeInt(state.size());
      for (var e : new TreeMap<>(state).entrySet()) {
        byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeShort(key.length);
        out.write(key);
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
      CRC32 crc = new CRC32();
      crc.update(buf.toByteArray());
      out.writeInt((int) crc.getValue());
      return buf.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory stream", e);
    }
  }

  @Override
  public void save(String rule, Map<String, byte[]> state) throws IOException {
    Path file = file(rule);
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("state.bin.tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer data = ByteBuffer.wrap(encode(state));
      while (data.hasRemaining()) {
        ch.write(data);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself survives a power cut
    } catch (IOException e) {
      // Some file systems cannot open a folder for fsync; the data file itself is synced.
    }
  }
}
