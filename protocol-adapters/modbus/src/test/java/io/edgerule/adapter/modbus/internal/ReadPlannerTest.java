package io.edgerule.adapter.modbus.internal;

import static io.edgerule.adapter.modbus.ModbusDataType.BIT;
import static io.edgerule.adapter.modbus.ModbusDataType.BOOL;
import static io.edgerule.adapter.modbus.ModbusDataType.FLOAT32;
import static io.edgerule.adapter.modbus.ModbusDataType.FLOAT64;
import static io.edgerule.adapter.modbus.ModbusDataType.UINT16;
import static io.edgerule.adapter.modbus.ModbusTable.COIL;
import static io.edgerule.adapter.modbus.ModbusTable.DISCRETE_INPUT;
import static io.edgerule.adapter.modbus.ModbusTable.HOLDING_REGISTER;
import static io.edgerule.adapter.modbus.ModbusTable.INPUT_REGISTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.adapter.modbus.ModbusDataType;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import io.edgerule.adapter.modbus.ModbusTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadPlannerTest {
  private static int n;

  private static ModbusPointConfig p(ModbusTable table, int address, ModbusDataType type) {
    return ModbusPointConfig.of("p" + n++, table, address, type);
  }

  private static ModbusPointConfig bit(int address, int bit) {
    return new ModbusPointConfig(
        "b" + n++, HOLDING_REGISTER, address, BIT, bit, null, null, null, null, null, null);
  }

  private static String shape(List<ReadBlock> plan) {
    return plan.stream()
        .map(b -> b.table().yamlName() + ":" + b.start() + "+" + b.count())
        .toList()
        .toString();
  }

  @Test
  void neighboursWithinTheGapShareOneRead() {
    // float32 at 0-1, uint16 at 5 (gap 3 <= 8), float64 at 20-23 (gap 14 > 8)
    var plan =
        ReadPlanner.plan(
            List.of(
                p(HOLDING_REGISTER, 20, FLOAT64),
                p(HOLDING_REGISTER, 0, FLOAT32),
                p(HOLDING_REGISTER, 5, UINT16)),
            PlanLimits.MODBUS_MAX);
    assertEquals("[holding_register:0+6, holding_register:20+4]", shape(plan));
    assertEquals(2, plan.get(0).points().size());
    assertTrue(plan.get(0).hasGaps());
    assertFalse(plan.get(1).hasGaps());
  }

  @Test
  void aGapOfExactlyMaxGapIsBridgedOneMoreIsNot() {
    var limits = new PlanLimits(2, 0, 125, 2000);
    assertEquals(
        "[input_register:0+4]",
        shape(
            ReadPlanner.plan(
                List.of(p(INPUT_REGISTER, 0, UINT16), p(INPUT_REGISTER, 3, UINT16)), limits)));
    assertEquals(
        "[input_register:0+1, input_register:4+1]",
        shape(
            ReadPlanner.plan(
                List.of(p(INPUT_REGISTER, 0, UINT16), p(INPUT_REGISTER, 4, UINT16)), limits)));
  }

  @Test
  void tablesAreNeverMixed() {
    var plan =
        ReadPlanner.plan(
            List.of(
                p(HOLDING_REGISTER, 0, UINT16),
                p(INPUT_REGISTER, 1, UINT16),
                p(COIL, 0, BOOL),
                p(DISCRETE_INPUT, 1, BOOL)),
            PlanLimits.MODBUS_MAX);
    assertEquals(
        "[coil:0+1, discrete_input:1+1, input_register:1+1, holding_register:0+1]", shape(plan));
  }

  @Test
  void readsStopAt125RegistersAnd2000Bits() {
    List<ModbusPointConfig> regs = new ArrayList<>();
    for (int a = 0; a < 300; a++) {
      regs.add(p(HOLDING_REGISTER, a, UINT16));
    }
    assertEquals(
        "[holding_register:0+125, holding_register:125+125, holding_register:250+50]",
        shape(ReadPlanner.plan(regs, PlanLimits.MODBUS_MAX)));
    List<ModbusPointConfig> coils = new ArrayList<>();
    for (int a = 0; a < 4500; a += 3) {
      coils.add(p(COIL, a, BOOL));
    }
    // last coil 4497; reads of at most 2000 addresses that end on a point
    assertEquals(
        "[coil:0+1999, coil:2001+1999, coil:4002+496]",
        shape(ReadPlanner.plan(coils, PlanLimits.MODBUS_MAX)));
  }

  @Test
  void aMultiRegisterPointIsNeverCutAtTheLimit() {
    // 62 float32 fill 124 registers; the 63rd would need registers 124-125: new read
    List<ModbusPointConfig> floats = new ArrayList<>();
    for (int a = 0; a < 128; a += 2) {
      floats.add(p(INPUT_REGISTER, a, FLOAT32));
    }
    assertEquals(
        "[input_register:0+124, input_register:124+4]",
        shape(ReadPlanner.plan(floats, PlanLimits.MODBUS_MAX)));
  }

  @Test
  void overlappingPointsShareARead() {
    // three bits of register 7 and a uint16 view of the same register
    var plan =
        ReadPlanner.plan(
            List.of(bit(7, 0), bit(7, 15), p(HOLDING_REGISTER, 7, UINT16), bit(7, 3)),
            PlanLimits.MODBUS_MAX);
    assertEquals("[holding_register:7+1]", shape(plan));
    assertEquals(4, plan.get(0).points().size());
  }

  @Test
  void configurableLimitsAreHonoured() {
    var limits = new PlanLimits(0, 0, 4, 8);
    var plan =
        ReadPlanner.plan(
            List.of(
                p(HOLDING_REGISTER, 0, UINT16),
                p(HOLDING_REGISTER, 1, UINT16),
                p(HOLDING_REGISTER, 2, FLOAT32),
                p(HOLDING_REGISTER, 4, UINT16),
                p(COIL, 0, BOOL),
                p(COIL, 2, BOOL)),
            limits);
    assertEquals("[coil:0+1, coil:2+1, holding_register:0+4, holding_register:4+1]", shape(plan));
  }

  @Test
  void splittingABlockGivesOneTightReadPerPoint() {
    var block =
        ReadPlanner.plan(
                List.of(p(HOLDING_REGISTER, 0, FLOAT32), p(HOLDING_REGISTER, 6, UINT16)),
                PlanLimits.MODBUS_MAX)
            .get(0);
    assertEquals("[holding_register:0+2, holding_register:6+1]", shape(ReadPlanner.single(block)));
  }
}
