package io.edgerule.sandbox.internal;

import java.nio.charset.StandardCharsets;

/**
 * Checks the counts and lengths inside sections that Chicory's parser allocates from before it
 * reads the items: vector counts, name lengths, data segment sizes, parameter lists, element lists
 * and a function's locals. The parser trusts them, so a module of a few bytes that declares a 2 GiB
 * name or 2^31 types makes it allocate gigabytes (an {@link OutOfMemoryError} for the whole JVM) or
 * loop over 10^11 locals. Every item takes at least one byte, so a count larger than the bytes left
 * is malformed; the message gives the byte offset.
 *
 * <p>Only what must be walked to reach those fields is decoded; where the walk meets something it
 * does not know (GC types, unusual constant expressions) it stops and leaves the rest of that
 * section to Chicory's parser. It never refuses a module the parser would accept, except one whose
 * functions declare more than {@link #MAX_LOCALS} locals (Chicory's own per-declaration limit,
 * applied to the sum).
 */
final class WasmLengths {
  /** Most locals one function may declare (Chicory's WasmLimits.MAX_FUNCTION_LOCALS). */
  static final int MAX_LOCALS = 50_000;

  private final byte[] wasm;
  private final int sectionId;
  private final int sectionStart;
  private final String sectionName;
  private final int end;
  private int pos;

  /** The module's structure is not what this walk knows: leave the section to the parser. */
  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;

    Stop() {
      super(null, null, false, false);
    }
  }

  /** A length or count that cannot be right. */
  private static final class Bad extends Exception {
    private static final long serialVersionUID = 1L;

    Bad(String message) {
      super(message, null, false, false);
    }
  }

  private WasmLengths(
      byte[] wasm, int sectionId, String sectionName, int sectionStart, int content, int end) {
    this.wasm = wasm;
    this.sectionId = sectionId;
    this.sectionName = sectionName;
    this.sectionStart = sectionStart;
    this.pos = content;
    this.end = end;
  }

  /**
   * @param sectionStart offset of the section's id byte
   * @param content offset of its first content byte
   * @param end offset just past its content (the framing is already checked)
   * @return null, or what is wrong with the section's counts and lengths
   */
  static String problem(
      byte[] wasm, int sectionId, String sectionName, int sectionStart, int content, int end) {
    WasmLengths check = new WasmLengths(wasm, sectionId, sectionName, sectionStart, content, end);
    try {
      check.section();
      return null;
    } catch (Stop e) {
      return null;
    } catch (Bad e) {
      return e.getMessage();
    }
  }

  private void section() throws Stop, Bad {
    switch (sectionId) {
      case 0 -> customSection();
      case 1 -> typeSection();
      case 2 -> importSection();
      case 3, 4, 5, 6, 13 -> count("entry");
      case 7 -> exportSection();
      case 9 -> elementSection();
      case 10 -> codeSection();
      case 11 -> dataSection();
      default -> {
        // start (an index), data count (a number), unknown ids: nothing allocated from them
      }
    }
  }

  // ---- sections ----

  private void customSection() throws Stop, Bad {
    String name = name();
    if ("name".equals(name)) {
      nameSection();
    }
  }

  /** The "name" section Chicory decodes by default: subsections of name maps. */
  private void nameSection() throws Stop, Bad {
    while (pos < end) {
      int id = u8();
      long size = length("name subsection");
      int subsectionEnd = pos + (int) size;
      switch (id) {
        case 0 -> name();
        case 1, 5, 6, 7, 8, 9, 11 -> nameMap();
        case 2, 3 -> {
          long groups = count("name group");
          for (long i = 0; i < groups; i++) {
            u32();
            nameMap();
          }
        }
        default -> {
          // unknown or reserved (4, 10) subsection: Chicory skips it
        }
      }
      pos = subsectionEnd;
    }
  }

  private void nameMap() throws Stop, Bad {
    long names = count("name");
    for (long i = 0; i < names; i++) {
      u32();
      name();
    }
  }

  private void typeSection() throws Stop, Bad {
    long types = count("type");
    for (long i = 0; i < types; i++) {
      int form = u8();
      if (form != 0x60) {
        throw new Stop(); // rec, sub, struct, array: GC types, which the validator refuses
      }
      for (String list : new String[] {"parameter", "result"}) {
        long n = count(list);
        for (long j = 0; j < n; j++) {
          valueType();
        }
      }
    }
  }

  private void importSection() throws Stop, Bad {
    long imports = count("import");
    for (long i = 0; i < imports; i++) {
      name();
      name();
      switch (u8()) {
        case 0x00 -> u32(); // function: type index
        case 0x01 -> {
          refType();
          limits();
        }
        case 0x02 -> limits();
        case 0x03 -> {
          valueType();
          u8(); // mutability
        }
        case 0x04 -> {
          u8(); // tag attribute
          u32();
        }
        default -> throw new Stop();
      }
    }
  }

  private void exportSection() throws Stop, Bad {
    long exports = count("export");
    for (long i = 0; i < exports; i++) {
      name();
      u8();
      u32();
    }
  }

  private void elementSection() throws Stop, Bad {
    long segments = count("element segment");
    for (long i = 0; i < segments; i++) {
      long flags = u32();
      if (flags > 7) {
        throw new Stop();
      }
      boolean passiveOrDeclarative = (flags & 1) != 0;
      boolean explicitTable = (flags & 2) != 0;
      boolean expressions = (flags & 4) != 0;
      if (!passiveOrDeclarative) {
        if (explicitTable) {
          u32(); // table index
        }
        constantExpression();
      }
      if (passiveOrDeclarative || explicitTable) {
        if (expressions) {
          refType();
        } else {
          u8(); // element kind
        }
      }
      long items = count("element");
      for (long j = 0; j < items; j++) {
        if (expressions) {
          constantExpression();
        } else {
          u32();
        }
      }
    }
  }

  private void codeSection() throws Stop, Bad {
    long bodies = count("function body");
    for (long i = 0; i < bodies; i++) {
      long size = length("function body");
      int bodyEnd = pos + (int) size;
      int entriesAt = pos;
      long entries = u32();
      if (entries > bodyEnd - pos) {
        throw bad(
            "function body "
                + i
                + " declares "
                + entries
                + " groups of locals at offset "
                + entriesAt
                + " but has only "
                + (bodyEnd - pos)
                + " bytes left");
      }
      long locals = 0;
      for (long j = 0; j < entries; j++) {
        locals += u32();
        valueType();
        if (locals > MAX_LOCALS) {
          throw bad(
              "function body "
                  + i
                  + " at offset "
                  + entriesAt
                  + " declares more than "
                  + MAX_LOCALS
                  + " locals");
        }
      }
      pos = bodyEnd;
    }
  }

  private void dataSection() throws Stop, Bad {
    long segments = count("data segment");
    for (long i = 0; i < segments; i++) {
      long mode = u32();
      if (mode == 2) {
        u32(); // memory index
      }
      if (mode == 0 || mode == 2) {
        constantExpression();
      } else if (mode != 1) {
        throw new Stop();
      }
      pos += (int) length("data segment");
    }
  }

  // ---- fields ----

  /** A vector count: at most one item per byte left. */
  private long count(String what) throws Stop, Bad {
    int at = pos;
    long n = u32();
    if (n > end - pos) {
      throw bad(
          "the "
              + what
              + " count "
              + n
              + " at offset "
              + at
              + " is larger than the "
              + (end - pos)
              + " bytes left in the section");
    }
    return n;
  }

  /** A byte length that must fit in what is left of the section. */
  private long length(String what) throws Stop, Bad {
    int at = pos;
    long n = u32();
    if (n > end - pos) {
      throw bad(
          "the "
              + what
              + " at offset "
              + at
              + " declares "
              + n
              + " bytes but only "
              + (end - pos)
              + " remain in the section");
    }
    return n;
  }

  /** A name's length, checked; the name itself only when it is short (custom section names). */
  private String name() throws Stop, Bad {
    int n = (int) length("name");
    String name = n <= 16 ? new String(wasm, pos, n, StandardCharsets.UTF_8) : "";
    pos += n;
    return name;
  }

  private void limits() throws Stop, Bad {
    int flags = u8();
    leb(10); // minimum (64-bit for memory64)
    if ((flags & 0x01) != 0) {
      leb(10); // maximum
    }
  }

  private void valueType() throws Stop {
    int type = u8();
    if (type == 0x63 || type == 0x64) {
      leb(5); // (ref null? heaptype): an s33
    }
  }

  private void refType() throws Stop {
    valueType();
  }

  /** Skips a constant expression of the common opcodes; anything else stops the walk. */
  private void constantExpression() throws Stop {
    while (true) {
      int op = u8();
      switch (op) {
        case 0x0b -> {
          return;
        }
        case 0x41, 0x42, 0x23, 0xd2, 0xd0 -> leb(10); // i32/i64.const, global.get, ref.func/null
        case 0x43 -> skip(4);
        case 0x44 -> skip(8);
        case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e -> {
          // extended constant expressions: add, sub, mul
        }
        default -> throw new Stop();
      }
    }
  }

  // ---- bytes ----

  private int u8() throws Stop {
    if (pos >= end) {
      throw new Stop();
    }
    return wasm[pos++] & 0xff;
  }

  private long u32() throws Stop {
    long value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = u8();
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value & 0xffff_ffffL;
      }
    }
    throw new Stop(); // longer than 5 bytes: the parser reports it
  }

  private void leb(int maxBytes) throws Stop {
    for (int i = 0; i < maxBytes; i++) {
      if ((u8() & 0x80) == 0) {
        return;
      }
    }
    throw new Stop();
  }

  private void skip(int n) throws Stop {
    if (n > end - pos) {
      throw new Stop();
    }
    pos += n;
  }

  private Bad bad(String problem) {
    return new Bad(
        "malformed: section "
            + sectionId
            + " ("
            + sectionName
            + ") at offset "
            + sectionStart
            + ": "
            + problem);
  }
}
