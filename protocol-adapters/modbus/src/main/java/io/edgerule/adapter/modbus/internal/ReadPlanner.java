package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Groups points into as few reads as the limits allow. Pure and deterministic: points of one table
 * are sorted by address and a read grows while the next point starts at most {@code maxGap}
 * addresses after the read's end and the read stays within {@code maxRegisters} (or {@code
 * maxBitGap} / {@code maxBits} for coils and discrete inputs). Points that overlap (several bits of
 * one register, a float read also as two int16) share a read.
 */
public final class ReadPlanner {
  private ReadPlanner() {}

  /** The reads for {@code points}, ordered by table (coils first) and address. */
  public static List<ReadBlock> plan(List<ModbusPointConfig> points, PlanLimits limits) {
    List<ReadBlock> blocks = new ArrayList<>();
    for (ModbusTable table : ModbusTable.values()) {
      List<ModbusPointConfig> ofTable =
          points.stream()
              .filter(p -> p.table() == table)
              .sorted(
                  Comparator.comparingInt(ModbusPointConfig::address)
                      .thenComparingInt(ModbusPointConfig::endAddress))
              .toList();
      int maxGap = table.isBits() ? limits.maxBitGap() : limits.maxGap();
      int maxCount = table.isBits() ? limits.maxBits() : limits.maxRegisters();
      coalesce(table, ofTable, maxGap, maxCount, blocks);
    }
    return List.copyOf(blocks);
  }

  /** One read per point, without any gap: the fallback when a device refuses a coalesced read. */
  public static List<ReadBlock> single(ReadBlock block) {
    List<ReadBlock> singles = new ArrayList<>();
    for (ModbusPointConfig p : block.points()) {
      singles.add(new ReadBlock(p.table(), p.address(), p.width(), List.of(p)));
    }
    return singles;
  }

  private static void coalesce(
      ModbusTable table,
      List<ModbusPointConfig> sorted,
      int maxGap,
      int maxCount,
      List<ReadBlock> out) {
    List<ModbusPointConfig> current = new ArrayList<>();
    int start = 0;
    int end = -1;
    for (ModbusPointConfig p : sorted) {
      if (p.width() > maxCount) {
        throw new IllegalArgumentException(
            "point '"
                + p.name()
                + "' needs "
                + p.width()
                + " registers but a read may have only "
                + maxCount);
      }
      if (!current.isEmpty()) {
        int gap = p.address() - end - 1; // negative when the point overlaps the read
        int newEnd = Math.max(end, p.endAddress());
        if (gap <= maxGap && newEnd - start + 1 <= maxCount) {
          current.add(p);
          end = newEnd;
          continue;
        }
        out.add(new ReadBlock(table, start, end - start + 1, current));
        current = new ArrayList<>();
      }
      current.add(p);
      start = p.address();
      end = p.endAddress();
    }
    if (!current.isEmpty()) {
      out.add(new ReadBlock(table, start, end - start + 1, current));
    }
  }
}
