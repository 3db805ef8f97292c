package io.edgerule.adapter.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.digitalpetri.modbus.pdu.ModbusResponsePdu;
import com.digitalpetri.modbus.pdu.ReadCoilsResponse;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsResponse;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersResponse;
import com.digitalpetri.modbus.pdu.ReadInputRegistersResponse;
import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import io.edgerule.adapter.modbus.internal.rtu.RtuCrc;
import io.edgerule.adapter.modbus.internal.rtu.RtuFrames;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Random point sets (overlapping, crowded at address 0 and 65535, every width) planned under random
 * limits: each point is read exactly once, every read fits the Modbus limits and the address space
 * and goes on the wire unchanged, and responses are checked before use.
 */
class ReadPlannerFuzzTest {
  private static final long SEED = 0x5EED_0004L;
  private static final ModbusDataType[] REGISTER_TYPES = {
    ModbusDataType.BIT,
    ModbusDataType.INT16,
    ModbusDataType.UINT16,
    ModbusDataType.INT32,
    ModbusDataType.UINT32,
    ModbusDataType.FLOAT32,
    ModbusDataType.INT64,
    ModbusDataType.FLOAT64
  };

  private static List<ModbusPointConfig> points(SplittableRandom r) {
    int base =
        switch (r.nextInt(3)) {
          case 0 -> 0;
          case 1 -> 0xFFFF - r.nextInt(300);
          default -> r.nextInt(0x10000);
        };
    List<ModbusPointConfig> points = new ArrayList<>();
    int count = r.nextInt(1, 80);
    for (int i = 0; i < count; i++) {
      ModbusTable table = ModbusTable.values()[r.nextInt(4)];
      ModbusDataType type =
          table.isBits() ? ModbusDataType.BOOL : REGISTER_TYPES[r.nextInt(REGISTER_TYPES.length)];
      int width = table.isBits() ? 1 : type.words();
      int address = Math.max(0, Math.min(0xFFFF - width + 1, base + r.nextInt(-50, 400)));
      Integer bit = type == ModbusDataType.BIT ? r.nextInt(16) : null;
      points.add(
          new ModbusPointConfig(
              "p" + i, table, address, type, bit, null, null, null, null, null, null));
    }
    return points;
  }

  @Test
  void everyPointIsReadOnceInAReadThatFitsTheLimitsAndTheWire() {
    SplittableRandom r = new SplittableRandom(SEED);
    for (int n = 0; n < 1_500; n++) {
      List<ModbusPointConfig> points = points(r);
      PlanLimits limits =
          new PlanLimits(
              r.nextInt(0, 130), r.nextInt(0, 2100), r.nextInt(1, 126), r.nextInt(1, 2001));
      int at = n;
      Supplier<String> where =
          () -> "seed " + SEED + " case " + at + ": " + limits + " " + describe(points);
      List<ReadBlock> plan;
      try {
        plan = ReadPlanner.plan(points, limits);
      } catch (IllegalArgumentException e) {
        assertTrue(
            points.stream().anyMatch(p -> !p.table().isBits() && p.width() > limits.maxRegisters()),
            () -> where.get() + ": refused " + e.getMessage());
        assertTrue(e.getMessage().contains("point 'p"), () -> where.get() + ": " + e.getMessage());
        continue;
      }
      Map<ModbusPointConfig, Integer> seen = new IdentityHashMap<>();
      for (ReadBlock b : plan) {
        int max = b.table().isBits() ? limits.maxBits() : limits.maxRegisters();
        Supplier<String> block = () -> where.get() + ": " + b;
        assertTrue(b.count() >= 1 && b.count() <= max, block);
        assertTrue(b.start() >= 0 && b.end() <= 0xFFFF, block);
        byte[] frame = RtuFrames.request(1, Pdus.read(b));
        assertTrue(RtuCrc.matches(frame, 0, frame.length), block);
        assertEquals(b.start(), (frame[2] & 0xFF) << 8 | frame[3] & 0xFF, block);
        assertEquals(b.count(), (frame[4] & 0xFF) << 8 | frame[5] & 0xFF, block);
        for (ModbusPointConfig p : b.points()) {
          seen.merge(p, 1, Integer::sum);
        }
        for (ReadBlock single : ReadPlanner.single(b)) {
          assertEquals(single.points().get(0).width(), single.count(), where);
        }
        b.hasGaps(); // must not throw
      }
      assertEquals(points.size(), seen.size(), () -> where.get() + ": a point is not read");
      assertTrue(seen.values().stream().allMatch(c -> c == 1), () -> where.get() + ": read twice");
    }
  }

  /** A short or mismatched response is refused with what it lacks, never read past its end. */
  @Test
  void responsesAreCheckedBeforeTheirDataIsUsed() {
    SplittableRandom r = new SplittableRandom(SEED + 1);
    for (int n = 0; n < 1_500; n++) {
      List<ModbusPointConfig> points = points(r);
      for (ReadBlock b : ReadPlanner.plan(points, PlanLimits.MODBUS_MAX)) {
        byte[] data = new byte[r.nextInt(0, 260)];
        ModbusResponsePdu response =
            switch (r.nextInt(4)) {
              case 0 -> new ReadCoilsResponse(data);
              case 1 -> new ReadDiscreteInputsResponse(data);
              case 2 -> new ReadHoldingRegistersResponse(data);
              default -> new ReadInputRegistersResponse(data);
            };
        String where = "seed " + (SEED + 1) + " case " + n + ": " + b + " <- " + response;
        int needed = b.table().isBits() ? (b.count() + 7) / 8 : 2 * b.count();
        try {
          byte[] got = Pdus.data(b, response);
          assertTrue(got.length >= needed, where);
          for (ModbusPointConfig p : b.points()) {
            assertNotNull(
                p.table().isBits()
                    ? PointCodec.decodeBit(RegisterCodec.bit(got, p.address() - b.start()))
                    : PointCodec.decodeRegisters(p, got, b.start()),
                where);
          }
        } catch (IllegalArgumentException e) {
          assertFalse(e.getMessage().isBlank(), where);
        } catch (RuntimeException e) {
          fail(where + ": " + e, e);
        }
      }
    }
  }

  @Test
  void blocksOutsideTheAddressSpaceAreRefused() {
    int[][] bad = {
      {-1, 1}, {0, 0}, {0, -5}, {0xFFFF, 2}, {0x10000, 1}, {65000, 1000}, {Integer.MAX_VALUE, 2}
    };
    for (int[] b : bad) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new ReadBlock(ModbusTable.HOLDING_REGISTER, b[0], b[1], List.of()),
              b[0] + "+" + b[1]);
      assertFalse(e.getMessage().isBlank());
    }
    assertEquals(0xFFFF, new ReadBlock(ModbusTable.COIL, 0xFFFF, 1, List.of()).end());
  }

  private static String describe(List<ModbusPointConfig> points) {
    StringBuilder s = new StringBuilder();
    for (ModbusPointConfig p : points) {
      s.append(p.name()).append('=').append(p.describe()).append("; ");
    }
    return s.toString();
  }
}
