package io.edgerule.sandbox.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatMemory} against Chicory's own {@link ByteArrayMemory} as the reference: the same
 * random operations on both, including accesses that straddle the end of memory, page boundaries
 * and negative (u32 above 2^31) addresses, must give the same values, the same traps and the same
 * contents.
 */
class FlatMemoryTest {
  private static final int PAGE = Memory.PAGE_SIZE;

  @Test
  void randomOperationsMatchChicorysByteArrayMemory() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      int initial = random.nextInt(3);
      int max = initial + 1 + random.nextInt(5);
      MemoryLimits limits = new MemoryLimits(initial, max);
      Memory flat = new FlatMemory(limits);
      Memory reference = new ByteArrayMemory(limits);
      for (int op = 0; op < 5_000; op++) {
        String what = "seed " + seed + " op " + op;
        int addr = address(random, reference.pages());
        long value = random.nextLong();
        switch (random.nextInt(16)) {
          case 0 -> same(what, m -> m.read(addr), flat, reference);
          case 1 -> same(what, m -> m.readShort(addr), flat, reference);
          case 2 -> same(what, m -> m.readInt(addr), flat, reference);
          case 3 -> same(what, m -> m.readLong(addr), flat, reference);
          case 4 -> same(what, m -> m.readDouble(addr), flat, reference);
          case 5 -> same(what, m -> m.readFloat(addr), flat, reference);
          case 6 -> same(what, m -> run(() -> m.writeByte(addr, (byte) value)), flat, reference);
          case 7 -> same(what, m -> run(() -> m.writeShort(addr, (short) value)), flat, reference);
          case 8 -> same(what, m -> run(() -> m.writeI32(addr, (int) value)), flat, reference);
          case 9 -> same(what, m -> run(() -> m.writeLong(addr, value)), flat, reference);
          case 10 ->
              same(
                  what,
                  m -> run(() -> m.writeF64(addr, Double.longBitsToDouble(value))),
                  flat,
                  reference);
          case 11 -> {
            int len = random.nextInt(3 * PAGE) - 8;
            same(what, m -> m.readBytes(addr, len), flat, reference);
          }
          case 12 -> {
            int len = random.nextInt(PAGE);
            int to = addr + len;
            same(what, m -> run(() -> m.fill((byte) value, addr, to)), flat, reference);
          }
          case 13 -> {
            int src = address(random, reference.pages());
            int len = random.nextInt(2 * PAGE);
            same(what, m -> run(() -> m.copy(addr, src, len)), flat, reference);
          }
          case 14 -> {
            byte[] data = new byte[random.nextInt(PAGE)];
            random.nextBytes(data);
            int offset = random.nextInt(data.length + 1);
            int len = random.nextInt(data.length - offset + 2);
            same(what, m -> run(() -> m.write(addr, data, offset, len)), flat, reference);
          }
          default -> {
            int delta = random.nextInt(10) == 0 ? -1 : random.nextInt(3);
            same(what, m -> m.grow(delta), flat, reference);
            assertEquals(reference.pages(), flat.pages(), what);
          }
        }
      }
      int bytes = reference.pages() * PAGE;
      assertArrayEquals(
          reference.readBytes(0, bytes), flat.readBytes(0, bytes), "contents, seed " + seed);
    }
  }

  @Test
  void growStopsAtTheCapAndNewPagesAreZero() {
    Memory memory = new FlatMemory(new MemoryLimits(1, 3));
    memory.writeLong(PAGE - 8, -1L);
    assertEquals(1, memory.grow(1));
    assertEquals(0L, memory.readLong(PAGE), "a grown page reads as zero");
    assertEquals(-1L, memory.readLong(PAGE - 8), "contents survive a grow");
    assertEquals(2, memory.grow(1));
    assertEquals(-1, memory.grow(1), "past the cap of 3 pages");
    assertEquals(-1, memory.grow(Integer.MIN_VALUE), "a u32 delta above 2^31 pages");
    assertEquals(3, memory.pages());
    assertThrows(WasmRuntimeException.class, () -> memory.readInt(3 * PAGE - 3));
    assertEquals(0, memory.readInt(3 * PAGE - 4));
  }

  @Test
  void aGrownPageIsZeroAfterTheEarlierPagesWereFilled() {
    Memory memory = new FlatMemory(new MemoryLimits(1, 8));
    assertEquals(1, memory.grow(1));
    memory.fill((byte) 7, 0, 2 * PAGE);
    assertEquals(2, memory.grow(1));
    assertEquals(0, memory.read(2 * PAGE), "the page made visible by the second grow");
    assertThrows(WasmRuntimeException.class, () -> memory.read(3 * PAGE));
  }

  @Test
  void largePageCapsGetChicorysPagedMemory() {
    assertInstanceOf(
        FlatMemory.class, FlatMemory.forLimits(new MemoryLimits(1, FlatMemory.MAX_PAGES)));
    assertInstanceOf(
        PagedMemory.class, FlatMemory.forLimits(new MemoryLimits(1, FlatMemory.MAX_PAGES + 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new FlatMemory(new MemoryLimits(1, FlatMemory.MAX_PAGES + 1)));
  }

  @Test
  void sharedMemoryIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new FlatMemory(new MemoryLimits(1, 2, true)));
  }

  @Test
  void atomicsOnUnsharedMemoryActAsPlainAccessesAndWaitTraps() {
    Memory memory = new FlatMemory(new MemoryLimits(1, 1));
    memory.writeI32(8, 5);
    assertEquals(5, memory.atomicAddInt(8, 2));
    assertEquals(7, memory.atomicCmpxchgInt(8, 7, 9));
    assertEquals(9, memory.readInt(8));
    assertEquals(0, memory.atomicNotify(8, 1));
    assertThrows(WasmRuntimeException.class, () -> memory.atomicWait(8, 9, 0L));
    assertThrows(WasmRuntimeException.class, () -> memory.atomicAddInt(PAGE - 2, 1));
  }

  @Test
  void bulkOperationsLargerThanAChunkMatchChicorysInBothDirections() {
    // Chunked copies must keep memmove semantics: overlapping moves up and down, by less than a
    // chunk and by more, starting anywhere within a page.
    Random random = new Random(7);
    MemoryLimits limits = new MemoryLimits(8, 8);
    for (Memory tested : new Memory[] {new FlatMemory(limits), new PagedMemory(limits)}) {
      Memory reference = new ByteArrayMemory(limits);
      byte[] noise = new byte[8 * PAGE];
      random.nextBytes(noise);
      tested.write(0, noise);
      reference.write(0, noise);
      for (int op = 0; op < 200; op++) {
        int length = random.nextInt(3 * BulkWork.CHUNK + 10);
        int src = random.nextInt(8 * PAGE - length + 1);
        int dest =
            random.nextBoolean()
                ? Math.max(0, Math.min(8 * PAGE - length, src + random.nextInt(2000) - 1000))
                : random.nextInt(8 * PAGE - length + 1);
        String what = tested.getClass().getSimpleName() + " op " + op;
        if (op % 3 == 0) {
          byte value = (byte) random.nextInt();
          same(what, m -> run(() -> m.fill(value, dest, dest + length)), tested, reference);
        } else {
          same(what, m -> run(() -> m.copy(dest, src, length)), tested, reference);
        }
      }
      assertArrayEquals(reference.readBytes(0, 8 * PAGE), tested.readBytes(0, 8 * PAGE));
    }
  }

  @Test
  void bulkOperationsStopWhenTheThreadIsInterrupted() {
    // The watchdog's interrupt: straight-line bulk work must stop like a loop does (BulkWork).
    MemoryLimits limits = new MemoryLimits(4, 8);
    for (Memory m : new Memory[] {new FlatMemory(limits), new PagedMemory(limits)}) {
      Thread.currentThread().interrupt();
      try {
        assertThrows(ChicoryInterruptedException.class, () -> m.fill((byte) 1, 0, 4 * PAGE));
        assertThrows(ChicoryInterruptedException.class, () -> m.copy(0, 1, 3 * PAGE));
        assertThrows(ChicoryInterruptedException.class, () -> m.write(0, new byte[PAGE]));
        assertThrows(ChicoryInterruptedException.class, () -> m.grow(1));
        assertEquals(0, m.read(5), "nothing was filled");
        assertEquals(4, m.pages(), "nor grown");
      } finally {
        Thread.interrupted();
      }
    }
  }

  /** Addresses near the interesting places: 0, page ends, the end of memory, and negative ones. */
  private static int address(Random random, int pages) {
    int end = pages * PAGE;
    return switch (random.nextInt(6)) {
      case 0 -> random.nextInt(16);
      case 1 -> PAGE * random.nextInt(pages + 1) - 8 + random.nextInt(16);
      case 2 -> end - 16 + random.nextInt(24);
      case 3 -> -1 - random.nextInt(16);
      case 4 -> Integer.MAX_VALUE - random.nextInt(16);
      default -> end == 0 ? random.nextInt(8) : random.nextInt(end);
    };
  }

  private static Object run(Runnable r) {
    r.run();
    return "done";
  }

  /** Both memories give the same result, or both trap with a wasm out-of-bounds trap. */
  private static void same(String what, Function<Memory, Object> op, Memory flat, Memory ref) {
    Object expected;
    try {
      expected = op.apply(ref);
    } catch (WasmRuntimeException e) {
      assertThrows(WasmRuntimeException.class, () -> op.apply(flat), what + ": should trap");
      return;
    }
    Object actual = op.apply(flat);
    if (expected instanceof byte[] b) {
      assertArrayEquals(b, (byte[]) actual, what);
    } else {
      assertEquals(expected, actual, what);
    }
  }
}
