package io.edgerule.sandbox.internal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A cheap structural check of a wasm binary before the real parser sees it: header and section
 * framing, then the counts and lengths the parser would allocate from ({@link WasmLengths}), with
 * byte offsets in the message ("not a wasm module: bad magic at offset 0"). Chicory's parser
 * reports the deeper problems, without offsets.
 */
public final class WasmPrescan {
  private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};
  private static final String[] SECTION_NAMES = {
    "custom",
    "type",
    "import",
    "function",
    "table",
    "memory",
    "global",
    "export",
    "start",
    "element",
    "code",
    "data",
    "data count",
    "tag"
  };

  private WasmPrescan() {}

  /**
   * @return null if the framing is sound, else what is wrong
   */
  public static String problem(byte[] wasm) {
    if (wasm.length == 0) {
      return "not a wasm module: the file is empty";
    }
    if (wasm.length < 8) {
      return "not a wasm module: only "
          + wasm.length
          + " bytes (a module starts with an 8-byte header)";
    }
    for (int i = 0; i < 4; i++) {
      if (wasm[i] != MAGIC[i]) {
        return "not a wasm module: bad magic at offset 0 (found "
            + HexFormat.ofDelimiter(" ").formatHex(wasm, 0, 4)
            + ", expected 00 61 73 6d)";
      }
    }
    int version = (wasm[4] & 0xff) | (wasm[5] & 0xff) << 8 | (wasm[6] & 0xff) << 16 | wasm[7] << 24;
    if (version != 1) {
      return "unsupported wasm binary version "
          + Integer.toUnsignedString(version)
          + " at offset 4 (expected 1"
          + ((version & 0xffff) == 0x0d ? "; this looks like a WebAssembly component" : "")
          + ")";
    }
    List<int[]> sections = new ArrayList<>(); // id, start, content, end
    int pos = 8;
    while (pos < wasm.length) {
      int sectionStart = pos;
      int id = wasm[pos++] & 0xff;
      long size = 0;
      int shift = 0;
      while (true) {
        if (pos >= wasm.length) {
          return "truncated: the header of the section at offset " + sectionStart + " is cut off";
        }
        int b = wasm[pos++] & 0xff;
        size |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
        shift += 7;
        if (shift > 28) {
          return "malformed: the size of the section at offset " + sectionStart + " is not a u32";
        }
      }
      long remaining = wasm.length - pos;
      if (size > remaining) {
        return "truncated: section "
            + id
            + " ("
            + sectionName(id)
            + ") at offset "
            + sectionStart
            + " declares "
            + size
            + " bytes but only "
            + remaining
            + " remain";
      }
      sections.add(new int[] {id, sectionStart, pos, pos + (int) size});
      pos += (int) size;
    }
    // The framing is sound: now the counts and lengths inside the sections.
    for (int[] section : sections) {
      String problem =
          WasmLengths.problem(
              wasm, section[0], sectionName(section[0]), section[1], section[2], section[3]);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  private static String sectionName(int id) {
    return id < SECTION_NAMES.length ? SECTION_NAMES[id] : "unknown";
  }
}
