package io.edgerule.sandbox;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Structure-aware mutations of a wasm binary for the fuzz tests. Each mutant carries a description
 * precise enough to rebuild it by hand ("flip offset 123: 0a -> 7f").
 */
final class WasmMutations {
  private static final HexFormat HEX = HexFormat.of();

  /** A mutated module and how it was made from its seed. */
  record Mutant(String description, byte[] bytes) {}

  /** One top-level section: id at {@code start}, content from {@code content} to {@code end}. */
  record Section(int id, int start, int content, int end) {}

  private WasmMutations() {}

  /** The module's sections, as far as its framing is sound (seeds always are). */
  static List<Section> sections(byte[] wasm) {
    List<Section> out = new ArrayList<>();
    int pos = 8;
    while (pos < wasm.length) {
      int start = pos;
      int id = wasm[pos++] & 0xff;
      long size = 0;
      int shift = 0;
      int b;
      do {
        b = wasm[pos++] & 0xff;
        size |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      out.add(new Section(id, start, pos, (int) (pos + size)));
      pos += (int) size;
    }
    return out;
  }

  static Mutant truncate(byte[] seed, int length) {
    return new Mutant("truncate to " + length + " bytes", Arrays.copyOf(seed, length));
  }

  static Mutant flip(byte[] seed, SplittableRandom random) {
    byte[] out = seed.clone();
    int at = random.nextInt(out.length);
    byte value = interestingByte(random);
    if (value == out[at]) {
      value ^= 0x01;
    }
    String what = "flip offset " + at + ": " + hex(out[at]) + " -> " + hex(value);
    out[at] = value;
    return new Mutant(what, out);
  }

  /** Several flips at once, for mutants that slip past the first check. */
  static Mutant flips(byte[] seed, SplittableRandom random, int count) {
    byte[] out = seed.clone();
    StringBuilder what = new StringBuilder("flips");
    for (int i = 0; i < count; i++) {
      Mutant one = flip(out, random);
      out = one.bytes();
      what.append(i == 0 ? " " : ", ").append(one.description().substring("flip ".length()));
    }
    return new Mutant(what.toString(), out);
  }

  static Mutant insert(byte[] seed, SplittableRandom random) {
    int at = random.nextInt(seed.length + 1);
    byte value = interestingByte(random);
    byte[] out = new byte[seed.length + 1];
    System.arraycopy(seed, 0, out, 0, at);
    out[at] = value;
    System.arraycopy(seed, at, out, at + 1, seed.length - at);
    return new Mutant("insert " + hex(value) + " at offset " + at, out);
  }

  static Mutant delete(byte[] seed, SplittableRandom random) {
    int at = random.nextInt(seed.length);
    byte[] out = new byte[seed.length - 1];
    System.arraycopy(seed, 0, out, 0, at);
    System.arraycopy(seed, at + 1, out, at, seed.length - at - 1);
    return new Mutant("delete offset " + at + " (" + hex(seed[at]) + ")", out);
  }

  /** A byte inserted inside a section's content, with the section's size fixed to match. */
  static Mutant insertInSection(byte[] seed, SplittableRandom random) {
    List<Section> sections = sections(seed);
    Section s = sections.get(random.nextInt(sections.size()));
    int at = s.content() + random.nextInt(s.end() - s.content() + 1);
    byte value = interestingByte(random);
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.write(seed, s.content(), at - s.content());
    content.write(value);
    content.write(seed, at, s.end() - at);
    return new Mutant(
        "insert " + hex(value) + " at offset " + at + " in section " + s.id() + " (size fixed)",
        replaceSection(seed, s, s.id(), content.toByteArray()));
  }

  /** A byte deleted from a section's content, with the section's size fixed to match. */
  static Mutant deleteInSection(byte[] seed, SplittableRandom random) {
    List<Section> sections = sections(seed);
    Section s = sections.get(random.nextInt(sections.size()));
    if (s.end() == s.content()) {
      return delete(seed, random);
    }
    int at = s.content() + random.nextInt(s.end() - s.content());
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.write(seed, s.content(), at - s.content());
    content.write(seed, at + 1, s.end() - at - 1);
    return new Mutant(
        "delete offset " + at + " (" + hex(seed[at]) + ") in section " + s.id() + " (size fixed)",
        replaceSection(seed, s, s.id(), content.toByteArray()));
  }

  /**
   * Replaces the LEB128 at {@code at} inside section {@code s} with {@code value} encoded in 5
   * bytes, and fixes the section's size so the framing stays sound and the parser sees the lie.
   */
  static Mutant hugeLeb(byte[] seed, Section s, int at, long value) {
    int length = lebLength(seed, at, s.end());
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.write(seed, s.content(), at - s.content());
    content.writeBytes(leb5(value));
    content.write(seed, at + length, s.end() - at - length);
    byte[] out = replaceSection(seed, s, s.id(), content.toByteArray());
    return new Mutant(
        "section "
            + s.id()
            + " at offset "
            + s.start()
            + ": LEB128 at offset "
            + at
            + " set to "
            + Long.toUnsignedString(value & 0xffffffffL),
        out);
  }

  /** The section's own size field set to {@code value} (5-byte LEB128). */
  static Mutant hugeSectionSize(byte[] seed, Section s, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(seed, 0, s.start() + 1);
    out.writeBytes(leb5(value));
    out.write(seed, s.content(), seed.length - s.content());
    return new Mutant(
        "section " + s.id() + " at offset " + s.start() + ": size set to " + value,
        out.toByteArray());
  }

  /** A second copy of a section right after it. */
  static Mutant duplicate(byte[] seed, Section s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(seed, 0, s.end());
    out.write(seed, s.start(), s.end() - s.start());
    out.write(seed, s.end(), seed.length - s.end());
    return new Mutant("duplicate section " + s.id() + " at offset " + s.start(), out.toByteArray());
  }

  /** Two neighbouring sections swapped (ids out of order). */
  static Mutant swap(byte[] seed, Section a, Section b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(seed, 0, a.start());
    out.write(seed, b.start(), b.end() - b.start());
    out.write(seed, a.start(), a.end() - a.start());
    out.write(seed, b.end(), seed.length - b.end());
    return new Mutant(
        "swap sections " + a.id() + " (offset " + a.start() + ") and " + b.id(), out.toByteArray());
  }

  /** A section's id replaced (another known id, a future one, or garbage). */
  static Mutant renumber(byte[] seed, Section s, int id) {
    byte[] out = seed.clone();
    out[s.start()] = (byte) id;
    return new Mutant("section at offset " + s.start() + ": id " + s.id() + " -> " + id, out);
  }

  /** Offsets inside a section where a LEB128 plausibly starts (any byte can, for the parser). */
  static int lebOffset(Section s, SplittableRandom random) {
    return s.content() + random.nextInt(s.end() - s.content());
  }

  private static byte[] replaceSection(byte[] seed, Section s, int id, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(seed, 0, s.start());
    out.write(id);
    out.writeBytes(leb5(content.length));
    out.writeBytes(content);
    out.write(seed, s.end(), seed.length - s.end());
    return out.toByteArray();
  }

  private static int lebLength(byte[] wasm, int at, int end) {
    int n = 0;
    while (at + n < end && n < 5) {
      if ((wasm[at + n++] & 0x80) == 0) {
        break;
      }
    }
    return Math.max(n, 1);
  }

  /** {@code value} as an unsigned LEB128 of exactly 5 bytes (padded, as the spec allows). */
  static byte[] leb5(long value) {
    byte[] out = new byte[5];
    for (int i = 0; i < 5; i++) {
      out[i] = (byte) ((value >>> (7 * i)) & 0x7f | (i < 4 ? 0x80 : 0));
    }
    out[4] &= 0x0f;
    return out;
  }

  /** Boundary bytes are likelier to hit an edge than uniform noise. */
  private static byte interestingByte(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 ->
          (byte) new int[] {0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x60, 0x0b}[random.nextInt(8)];
      default -> (byte) random.nextInt(256);
    };
  }

  static String hex(byte b) {
    return HEX.toHexDigits(b);
  }
}
