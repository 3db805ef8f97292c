package io.edgerule.adapter.modbus.internal;

import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import java.util.List;
import java.util.Objects;

/**
 * One read request of a plan: {@code count} addresses of {@code table} from {@code start}, and the
 * points whose values it carries (sorted by address; gaps between them are read and ignored).
 */
public record ReadBlock(ModbusTable table, int start, int count, List<ModbusPointConfig> points) {
  public ReadBlock {
    Objects.requireNonNull(table, "table");
    points = List.copyOf(points);
    if (count < 1) {
      throw new IllegalArgumentException("a read block needs count >= 1, got " + count);
    }
    // a request carries start and count as 16 bits: outside 0..65535 they would be cut silently
    if (start < 0 || start > 0xFFFF || count > 0x10000 - start) {
      throw new IllegalArgumentException(
          "read block " + table + " " + start + "+" + count + " is outside addresses 0..65535");
    }
    for (ModbusPointConfig p : points) {
      if (p.table() != table || p.address() < start || p.endAddress() >= start + count) {
        throw new IllegalArgumentException(
            "point '" + p.name() + "' is outside block " + table + " " + start + "+" + count);
      }
    }
  }

  public int end() {
    return start + count - 1;
  }

  /** True when the block reads addresses no point uses (a coalesced read across a gap). */
  public boolean hasGaps() {
    int covered = 0;
    int next = start;
    for (ModbusPointConfig p : points) {
      int from = Math.max(next, p.address());
      if (p.endAddress() >= from) {
        covered += p.endAddress() - from + 1;
        next = p.endAddress() + 1;
      }
    }
    return covered < count;
  }

  @Override
  public String toString() {
    return table.yamlName() + " " + start + ".." + end() + " (" + points.size() + " points)";
  }
}
