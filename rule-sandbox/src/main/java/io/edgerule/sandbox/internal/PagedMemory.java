package io.edgerule.sandbox.internal;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;

/**
 * The memory of rules whose page cap is above {@link FlatMemory#MAX_PAGES}: Chicory's paged {@link
 * ByteArrayMemory} (no copy on grow), with its bulk operations cut into {@link BulkWork#CHUNK}s
 * that each check the deadline first. Chicory's own class is final and moves gigabytes in one call
 * of {@code fill} or {@code copy}, past any deadline. Bounds are checked in full before the first
 * byte moves, as WebAssembly requires; everything else is delegated unchanged.
 */
final class PagedMemory implements Memory {
  private final ByteArrayMemory delegate;
  private DataSegment[] dataSegments;

  PagedMemory(MemoryLimits limits) {
    this.delegate = new ByteArrayMemory(limits);
  }

  private long size() {
    return (long) delegate.pages() * PAGE_SIZE;
  }

  private static void check(int addr, int length, long limit) {
    if (addr < 0 || length < 0 || (long) addr + length > limit) {
      throw new WasmRuntimeException(
          "out of bounds memory access: attempted to access address: "
              + addr
              + " but limit is: "
              + limit
              + " and size: "
              + length);
    }
  }

  @Override
  public void fill(byte value, int fromIndex, int toIndex) {
    check(fromIndex, toIndex - fromIndex, size());
    BulkWork.forward(
        toIndex - fromIndex,
        (done, n) -> delegate.fill(value, fromIndex + done, fromIndex + done + n));
  }

  @Override
  public void copy(int dest, int src, int size) {
    check(src, size, size());
    check(dest, size, size());
    BulkWork.move(dest, src, size, (done, n) -> delegate.copy(dest + done, src + done, n));
  }

  @Override
  public void write(int addr, byte[] data, int offset, int size) {
    check(offset, size, data.length);
    check(addr, size, size());
    BulkWork.forward(size, (done, n) -> delegate.write(addr + done, data, offset + done, n));
  }

  @Override
  public void initialize(Instance instance, DataSegment[] dataSegments) {
    this.dataSegments = dataSegments;
    delegate.initialize(instance, dataSegments);
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
  public int grow(int size) {
    BulkWork.checkInterrupt(); // allocates up to gigabytes of pages without a back edge
    return delegate.grow(size);
  }

  // ---- delegated unchanged ----

  @Override
  public int pages() {
    return delegate.pages();
  }

  @Override
  public int initialPages() {
    return delegate.initialPages();
  }

  @Override
  public int maximumPages() {
    return delegate.maximumPages();
  }

  @Override
  public boolean shared() {
    return delegate.shared();
  }

  @Override
  @SuppressWarnings("removal")
  public Object lock(int address) {
    return delegate.lock(address);
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, int expected, long timeout) {
    return delegate.waitOn(address, expected, timeout);
  }

  @Override
  @SuppressWarnings("removal")
  public int waitOn(int address, long expected, long timeout) {
    return delegate.waitOn(address, expected, timeout);
  }

  @Override
  @SuppressWarnings("removal")
  public int notify(int address, int maxThreads) {
    return delegate.notify(address, maxThreads);
  }

  @Override
  public byte read(int addr) {
    return delegate.read(addr);
  }

  @Override
  public byte[] readBytes(int addr, int len) {
    return delegate.readBytes(addr, len);
  }

  @Override
  public void writeI32(int addr, int data) {
    delegate.writeI32(addr, data);
  }

  @Override
  public int readInt(int addr) {
    return delegate.readInt(addr);
  }

  @Override
  public void writeLong(int addr, long data) {
    delegate.writeLong(addr, data);
  }

  @Override
  public long readLong(int addr) {
    return delegate.readLong(addr);
  }

  @Override
  public void writeShort(int addr, short data) {
    delegate.writeShort(addr, data);
  }

  @Override
  public short readShort(int addr) {
    return delegate.readShort(addr);
  }

  @Override
  public long readU16(int addr) {
    return delegate.readU16(addr);
  }

  @Override
  public void writeByte(int addr, byte data) {
    delegate.writeByte(addr, data);
  }

  @Override
  public void writeF32(int addr, float data) {
    delegate.writeF32(addr, data);
  }

  @Override
  public long readF32(int addr) {
    return delegate.readF32(addr);
  }

  @Override
  public float readFloat(int addr) {
    return delegate.readFloat(addr);
  }

  @Override
  public void writeF64(int addr, double data) {
    delegate.writeF64(addr, data);
  }

  @Override
  public double readDouble(int addr) {
    return delegate.readDouble(addr);
  }

  @Override
  public long readF64(int addr) {
    return delegate.readF64(addr);
  }

  @Override
  public void zero() {
    fill((byte) 0, 0, (int) Math.min(size(), Integer.MAX_VALUE));
  }
}
