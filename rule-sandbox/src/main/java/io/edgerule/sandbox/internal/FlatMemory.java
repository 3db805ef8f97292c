package io.edgerule.sandbox.internal;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A rule's linear memory as one flat {@code byte[]}: every load and store is one little-endian
 * {@link VarHandle} access whose own index check is the bounds check.
 *
 * <p>Why not Chicory's {@code ByteArrayMemory}: it keeps 64 KiB pages in a {@code byte[][]} so that
 * a <em>shared</em> memory can grow while other threads read it. Each access then pays a page
 * lookup (an array load with its own bounds and null check) and a page-straddling test before the
 * access itself. Rules never have shared memory (the validator refuses it, and this class refuses
 * it again), so nothing but the rule's own thread ever sees the array and it may be replaced when
 * the memory grows. Measured on the reference rule in {@code docs/benchmarks.md}.
 *
 * <p>The array is always exactly the wasm-visible size, so the array's own bounds check (the one
 * every {@link VarHandle} access makes anyway) is the memory's bounds check: nothing else is tested
 * per access. A separate "size" field checked first was measured 1.5x slower on the reference rule:
 * the JIT must reload fields after every raw store. The price is that {@link #grow} copies the
 * memory; a rule growing a page at a time up to {@code n} pages copies about {@code n^2 / 2} pages
 * in its life, which is why rules with a page cap above {@link #MAX_PAGES} get Chicory's paged
 * memory instead ({@link #forLimits}).
 *
 * <p>Atomic instructions are legal on unshared memory and behave as plain accesses there; the
 * interface's default atomics synchronise on {@link #lock}, which is this object. Waiting on an
 * unshared memory traps, as the threads proposal specifies.
 */
public final class FlatMemory implements Memory {
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT =
      MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLE =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

  private final MemoryLimits limits;
  private final int maximumPages;
  private DataSegment[] dataSegments;

  /** The memory, exactly {@code pages() * PAGE_SIZE} bytes long. */
  private byte[] bytes;

  /**
   * The largest page cap this class takes: growing a page at a time to 128 pages (8 MiB) copies
   * about 0.5 GiB over the rule's life, tolerable once; four times the pages would be sixteen times
   * the copying.
   */
  public static final int MAX_PAGES = 128;

  /**
   * The memory a rule with these limits gets: a flat one up to {@link #MAX_PAGES}, Chicory's paged
   * {@link ByteArrayMemory} above (no copying on grow, slower access), wrapped so that its bulk
   * operations keep the deadline ({@link PagedMemory}).
   */
  public static Memory forLimits(MemoryLimits limits) {
    return limits.maximumPages() <= MAX_PAGES ? new FlatMemory(limits) : new PagedMemory(limits);
  }

  public FlatMemory(MemoryLimits limits) {
    if (limits.shared()) {
      throw new IllegalArgumentException("a rule's memory cannot be shared");
    }
    if (limits.maximumPages() > MAX_PAGES) {
      throw new IllegalArgumentException(
          "a flat memory holds at most " + MAX_PAGES + " pages, not " + limits.maximumPages());
    }
    this.limits = limits;
    this.maximumPages = Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
    int initial = limits.initialPages();
    if (initial < 0 || initial > maximumPages) {
      throw new UninstantiableException(
          "initial memory of " + initial + " pages exceeds the maximum of " + maximumPages);
    }
    this.bytes = new byte[initial * PAGE_SIZE];
  }

  @Override
  public int pages() {
    return bytes.length / PAGE_SIZE;
  }

  @Override
  public int grow(int delta) {
    int previous = pages();
    int wanted = previous + delta;
    // A negative delta is a u32 above 2^31 pages; an overflow wraps below previous: both fail.
    if (wanted > maximumPages || wanted < previous) {
      return -1;
    }
    int newSize = wanted * PAGE_SIZE;
    if (newSize != bytes.length) {
      BulkWork.checkInterrupt(); // the copy below is up to MAX_PAGES * 64 KiB without a back edge
      try {
        bytes = Arrays.copyOf(bytes, newSize); // new bytes are zero, as WebAssembly requires
      } catch (OutOfMemoryError e) {
        // The heap cannot hold it now: memory.grow's own failure value, not a dead gateway.
        return -1;
      }
    }
    return previous;
  }

  @Override
  public int initialPages() {
    return limits.initialPages();
  }

  @Override
  public int maximumPages() {
    return maximumPages;
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  @SuppressWarnings("removal")
  public Object lock(int address) {
    return this;
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, int expected, long timeout) {
    throw new WasmRuntimeException("expected shared memory: atomic wait on an unshared memory");
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, long expected, long timeout) {
    throw new WasmRuntimeException("expected shared memory: atomic wait on an unshared memory");
  }

  @Override
  @SuppressWarnings("removal")
  public int notify(int address, int maxThreads) {
    check(address, 4);
    return 0; // nobody can be waiting on an unshared memory
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments) {
    initialize(instance, dataSegments, 0);
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
    this.dataSegments = dataSegments;
    if (dataSegments == null) {
      return;
    }
    for (DataSegment s : dataSegments) {
      if (s instanceof ActiveDataSegment segment) {
        if (segment.index() != memoryIndex) {
          continue;
        }
        int offset =
            (int)
                ConstantEvaluators.computeConstantValue(instance, segment.offsetInstructions())[0];
        byte[] data = segment.data();
        if (outside(offset, data.length, bytes.length)) {
          throw new UninstantiableException(
              "out of bounds memory access: data segment of "
                  + data.length
                  + " bytes at "
                  + Integer.toUnsignedString(offset)
                  + " does not fit in "
                  + bytes.length
                  + " bytes of memory");
        }
        System.arraycopy(data, 0, bytes, offset, data.length);
      } else if (!(s instanceof PassiveDataSegment)) {
        throw new ChicoryException("data segment should be active or passive: " + s);
      }
    }
  }

  @Override
  public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
    write(dest, dataSegments[segmentId].data(), offset, size);
  }

  @Override
  public void drop(int segment) {
    dataSegments[segment] = PassiveDataSegment.EMPTY;
  }

  @Override
  public void write(int addr, byte[] data, int offset, int length) {
    if (outside(offset, length, data.length)) {
      throw outOfBounds(offset, length, data.length);
    }
    check(addr, length);
    if (length <= BulkWork.CHUNK) {
      // A batch of events is one chunk: the per-batch path stays free of a lambda (and of garbage
      // should the JIT not remove it; docs/benchmarks.md measures none).
      BulkWork.checkInterrupt();
      System.arraycopy(data, offset, bytes, addr, length);
      return;
    }
    BulkWork.forward(
        length, (done, n) -> System.arraycopy(data, offset + done, bytes, addr + done, n));
  }

  @Override
  public byte read(int addr) {
    try {
      return bytes[addr];
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 1, bytes.length);
    }
  }

  @Override
  public byte[] readBytes(int addr, int len) {
    check(addr, len);
    return Arrays.copyOfRange(bytes, addr, addr + len);
  }

  @Override
  public void writeByte(int addr, byte data) {
    try {
      bytes[addr] = data;
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 1, bytes.length);
    }
  }

  @Override
  public void writeShort(int addr, short data) {
    try {
      SHORT.set(bytes, addr, data);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 2, bytes.length);
    }
  }

  @Override
  public short readShort(int addr) {
    try {
      return (short) SHORT.get(bytes, addr);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 2, bytes.length);
    }
  }

  @Override
  public long readU16(int addr) {
    return readShort(addr) & 0xFFFFL;
  }

  @Override
  public void writeI32(int addr, int data) {
    try {
      INT.set(bytes, addr, data);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 4, bytes.length);
    }
  }

  @Override
  public int readInt(int addr) {
    try {
      return (int) INT.get(bytes, addr);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 4, bytes.length);
    }
  }

  @Override
  public void writeLong(int addr, long data) {
    try {
      LONG.set(bytes, addr, data);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 8, bytes.length);
    }
  }

  @Override
  public long readLong(int addr) {
    try {
      return (long) LONG.get(bytes, addr);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 8, bytes.length);
    }
  }

  @Override
  public void writeF32(int addr, float data) {
    try {
      FLOAT.set(bytes, addr, data);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 4, bytes.length);
    }
  }

  @Override
  public long readF32(int addr) {
    return readInt(addr);
  }

  @Override
  public float readFloat(int addr) {
    try {
      return (float) FLOAT.get(bytes, addr);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 4, bytes.length);
    }
  }

  @Override
  public void writeF64(int addr, double data) {
    try {
      DOUBLE.set(bytes, addr, data);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 8, bytes.length);
    }
  }

  @Override
  public double readDouble(int addr) {
    try {
      return (double) DOUBLE.get(bytes, addr);
    } catch (IndexOutOfBoundsException e) {
      throw outOfBounds(addr, 8, bytes.length);
    }
  }

  @Override
  public long readF64(int addr) {
    return readLong(addr);
  }

  @Override
  public void zero() {
    Arrays.fill(bytes, (byte) 0);
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    int length = toIndex - fromIndex;
    check(fromIndex, length);
    // In chunks, checking the deadline before each (BulkWork): fill has no back edge.
    BulkWork.forward(
        length, (done, n) -> Arrays.fill(bytes, fromIndex + done, fromIndex + done + n, value));
  }

  @Override
  public void copy(int dest, int src, int length) {
    check(src, length);
    check(dest, length);
    if (length <= BulkWork.CHUNK) {
      BulkWork.checkInterrupt();
      System.arraycopy(bytes, src, bytes, dest, length); // memmove: overlap is handled
      return;
    }
    // In chunks, checking the deadline before each (BulkWork), in memmove order; within a chunk
    // arraycopy handles the overlap.
    BulkWork.move(
        dest, src, length, (done, n) -> System.arraycopy(bytes, src + done, bytes, dest + done, n));
  }

  /** Traps unless {@code [addr, addr + length)} lies within the visible memory. */
  private void check(int addr, int length) {
    // Short-circuit order matters for speed only: loads and stores pass a constant length.
    if (addr < 0 || addr > bytes.length - length || length < 0) {
      throw outOfBounds(addr, length, bytes.length);
    }
  }

  private static boolean outside(int addr, int length, int limit) {
    return addr < 0 || length < 0 || (long) addr + length > limit;
  }

  private static WasmRuntimeException outOfBounds(int addr, int length, int limit) {
    return new WasmRuntimeException(
        "out of bounds memory access: attempted to access address: "
            + addr
            + " but limit is: "
            + limit
            + " and size: "
            + length);
  }
}
