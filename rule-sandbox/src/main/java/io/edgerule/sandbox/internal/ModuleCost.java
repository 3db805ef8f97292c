package io.edgerule.sandbox.internal;

/**
 * What a module will cost the gateway's heap, read from its binary before Chicory parses it: the
 * transient cost of parsing and compiling it, and what an instance of it keeps (linear memory at
 * its cap, tables, globals, segments). They are checked against the rule's {@code
 * compile_heap_bytes} and {@code heap_bytes} before anything is parsed, so a module that fits the
 * size and function limits but would take gigabytes to compile (a 14 KB module declaring 2,000
 * functions of 2,000 locals took 20 s and 430 MB; issue 16, class 3) or to instantiate (tens of
 * thousands of tables) is refused with a message, never an OutOfMemoryError.
 *
 * <p>The constants are upper bounds of Chicory 1.7.5's allocations, measured with {@code
 * ThreadMXBean.getCurrentThreadAllocatedBytes} (docs/benchmarks.md, "Load cost"): parsing and
 * compiling allocated at most ~510 bytes per byte of code, ~15 KiB per function and ~110 bytes per
 * declared local. Allocated bytes bound the peak heap of the load from above. {@code
 * ModuleCostTest} checks the estimate against what loading generated modules of each shape
 * allocates.
 *
 * <p>The walk reads only counts and sizes; the framing and lengths are already checked ({@link
 * WasmPrescan}). Where it meets something it cannot decode it counts conservatively.
 */
public final class ModuleCost {
  /** Heap allocated by parsing + compiling, per byte of the code section. */
  static final long PER_CODE_BYTE = 768;

  /** Per defined function (a JVM method, its analysis and class-file share). */
  static final long PER_FUNCTION = 18 * 1024;

  /** Per declared local (Chicory expands the local declarations into one entry each). */
  static final long PER_LOCAL = 160;

  /** Per byte of element section (each byte can be an element: an expression object). */
  static final long PER_ELEMENT_BYTE = 96;

  /** Per global (its instance and value). */
  static final long PER_GLOBAL = 96;

  /** Per table (TableInstance, Table, limits). */
  static final long PER_TABLE = 256;

  /** Per table element: an int ref and an Instance reference, twice while table.grow copies. */
  public static final long PER_TABLE_ELEMENT = 24;

  /** The cost of the parsed module itself beyond its code, per module byte. */
  static final long PER_MODULE_BYTE = 4;

  private long codeBytes;
  private long functions;
  private long locals;
  private long elementBytes;
  private long globals;
  private long tables;
  private long tableElements;
  private long dataBytes;
  private long moduleBytes;
  private long memoryMinPages;
  private long memoryMaxPages = -1; // -1: no memory section or no maximum declared

  private ModuleCost() {}

  /** Reads the costs of a module whose framing {@link WasmPrescan} has accepted. */
  public static ModuleCost of(byte[] wasm) {
    ModuleCost c = new ModuleCost();
    c.moduleBytes = wasm.length;
    Reader r = new Reader(wasm, 8);
    while (r.pos < wasm.length) {
      int id = r.u8();
      int size = (int) r.u32();
      int end = r.pos + size;
      try {
        switch (id) {
          case 3 -> c.functions = r.u32();
          case 4 -> c.tables(r);
          case 5 -> c.memory(r);
          case 6 -> c.globals = r.u32();
          case 9 -> c.elementBytes = size;
          case 10 -> c.code(r, size);
          case 11 -> c.dataBytes = size;
          default -> {}
        }
      } catch (IndexOutOfBoundsException | IllegalStateException e) {
        // Malformed inside: Chicory's parser will say what; count the section at its worst.
        if (id == 10) {
          c.locals += size; // each byte could have been a local declaration of 1 local or more
        }
      }
      r.pos = end;
    }
    return c;
  }

  private void tables(Reader r) {
    long n = r.u32();
    for (long i = 0; i < n; i++) {
      tables++;
      int type = r.u8();
      if (type == 0x63 || type == 0x64) {
        r.u32(); // heap type (GC proposal): refused later, counted here
      }
      int flags = r.u8();
      tableElements += r.u32();
      if ((flags & 1) != 0) {
        r.u32();
      }
    }
  }

  private void memory(Reader r) {
    long n = r.u32();
    if (n > 0) {
      int flags = r.u8();
      memoryMinPages = r.u32();
      memoryMaxPages = (flags & 1) != 0 ? r.u32() : -1;
    }
  }

  private void code(Reader r, int size) {
    codeBytes = size;
    long bodies = r.u32();
    for (long i = 0; i < bodies; i++) {
      long bodySize = r.u32();
      int bodyEnd = r.pos + (int) bodySize;
      long entries = r.u32();
      for (long j = 0; j < entries && r.pos < bodyEnd; j++) {
        locals += r.u32();
        int type = r.u8();
        if (type == 0x63 || type == 0x64) {
          r.u32();
        }
      }
      r.pos = bodyEnd;
    }
  }

  /** Bytes parsing and compiling the module may allocate (an upper bound, see the class doc). */
  public long loadBytes() {
    return codeBytes * PER_CODE_BYTE
        + functions * PER_FUNCTION
        + locals * PER_LOCAL
        + moduleBytes * PER_MODULE_BYTE
        + retainedWithoutMemory();
  }

  /**
   * Bytes an instance keeps besides its linear memory: tables at their initial size, globals and
   * the segments Chicory holds. Table growth is charged at run time ({@link HeapBudget}).
   */
  public long retainedWithoutMemory() {
    return tables * PER_TABLE
        + tableElements * PER_TABLE_ELEMENT
        + globals * PER_GLOBAL
        + elementBytes * PER_ELEMENT_BYTE
        + dataBytes;
  }

  /** Bytes an instance keeps: {@link #retainedWithoutMemory} and linear memory at its cap. */
  public long retainedBytes(int memoryPagesCap) {
    long maxPages = memoryMaxPages < 0 ? memoryPagesCap : Math.min(memoryMaxPages, memoryPagesCap);
    long pages = Math.max(maxPages, Math.min(memoryMinPages, memoryPagesCap));
    return pages * 65_536 + retainedWithoutMemory();
  }

  /** What drives the load estimate, for messages. */
  public String describe() {
    return codeBytes
        + " bytes of code, "
        + functions
        + " functions, "
        + locals
        + " locals, "
        + tables
        + " tables of "
        + tableElements
        + " elements, "
        + globals
        + " globals";
  }

  /** Reads LEB128 and bytes; throws IndexOutOfBoundsException past the end. */
  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    int u8() {
      return b[pos++] & 0xff;
    }

    long u32() {
      long result = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int x = b[pos++] & 0xff;
        result |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return result;
        }
      }
      throw new IllegalStateException("not a u32");
    }
  }
}
