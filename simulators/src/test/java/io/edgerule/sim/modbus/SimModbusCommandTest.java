package io.edgerule.sim.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.sim.SimCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Command-line parsing of {@code edgerule sim modbus} (nothing is served here). */
class SimModbusCommandTest {

  private static SimModbusCommand parse(String... args) {
    SimModbusCommand command = new SimModbusCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  private static SimUnit firstUnit(ModbusSimConfig config) {
    var entry = config.units().entrySet().iterator().next();
    SimUnit unit = new SimUnit(entry.getKey());
    entry.getValue().accept(unit);
    return unit;
  }

  @Test
  void registerMapFromFlags() {
    ModbusSimConfig config =
        parse(
                "--port",
                "0",
                "--unit",
                "3",
                "--holding-registers",
                "0-9",
                "--coils",
                "0-7",
                "--gen",
                "ir:0:float32=sine(20,5,50)",
                "--gen",
                "hr:20:uint16=ramp(0,1,0,100)")
            .config();
    SimUnit unit = firstUnit(config);
    assertEquals(3, unit.unitId());
    assertEquals("0-9, 20", unit.describe(SimTable.HOLDING_REGISTER));
    assertEquals("0-1", unit.describe(SimTable.INPUT_REGISTER));
    assertEquals("0-7", unit.describe(SimTable.COIL));
    assertEquals(20f, unit.float32(SimTable.INPUT_REGISTER, 0));
  }

  @Test
  void tankPlant() {
    SimUnit unit = firstUnit(parse("--plant", "tank").config());
    assertEquals(60f, unit.float32(SimTable.HOLDING_REGISTER, TankPlant.LEVEL));
  }

  @Test
  void mistakesAreExplained() {
    assertThrows(IllegalArgumentException.class, () -> parse().config());
    var mixed =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("--plant", "tank", "--coils", "0").config());
    assertTrue(mixed.getMessage().contains("--plant serves a fixed map"));
    var spec =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("--gen", "hr:0:float32=wobble(1)").config());
    assertTrue(spec.getMessage().contains("generator kind 'wobble' unknown"), spec.getMessage());
    var args =
        assertThrows(
            IllegalArgumentException.class, () -> GeneratorSpec.parse("hr:0:uint16=ramp(1,2)"));
    assertTrue(
        args.getMessage().contains("ramp(start,step,min,max), got 2 arguments"), args.getMessage());
    var range = assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("9-2"));
    assertTrue(range.getMessage().contains("first <= last"), range.getMessage());
    var table =
        assertThrows(
            IllegalArgumentException.class, () -> GeneratorSpec.parse("xx:0:uint16=const(1)"));
    assertTrue(table.getMessage().contains("unknown table 'xx'"), table.getMessage());
  }

  @Test
  void registeredUnderSim() {
    StringWriter help = new StringWriter();
    CommandLine sim = new CommandLine(new SimCommand());
    assertTrue(sim.getSubcommands().containsKey("modbus"));
    sim.getSubcommands().get("modbus").usage(new PrintWriter(help));
    assertTrue(help.toString().contains("--plant"));
  }

  @Test
  void rtuBusOptions() {
    SimModbusCommand c =
        parse(
            "--rtu",
            "/tmp/sim",
            "--unit",
            "1,2,3",
            "--holding-registers",
            "0-9",
            "--parity",
            "none",
            "--baud",
            "9600",
            "--fault",
            "3:silent",
            "--fault",
            "2:delay=300",
            "--fault",
            "1:exception=hr:7:4");
    ModbusSimConfig config = c.config();
    assertEquals(java.util.List.of(1, 2, 3), java.util.List.copyOf(config.units().keySet()));
    assertEquals('N', c.parityChar());
    RtuFaults faults = new RtuFaults();
    c.applyFaults(faults);
    assertTrue(faults.next(3).silent());
    assertEquals(java.time.Duration.ofMillis(300), faults.next(2).delay());
    assertEquals(java.time.Duration.ofMillis(300), faults.next(2).delay(), "on every answer");
    assertEquals(4, faults.exceptionFor(1, SimTable.HOLDING_REGISTER, 7, 1));
    assertEquals(4001, parse("--rtu-tcp", "4001", "--plant", "tank").config().port());
  }

  @Test
  void rtuMistakesAreExplained() {
    String both =
        assertThrows(
                IllegalArgumentException.class,
                () -> parse("--rtu", "/tmp/x", "--rtu-tcp", "1", "--coils", "0").config())
            .getMessage();
    assertTrue(both.contains("not both"), both);
    String tcpFault =
        assertThrows(
                IllegalArgumentException.class,
                () -> parse("--coils", "0", "--fault", "1:silent").config())
            .getMessage();
    assertTrue(tcpFault.contains("--fault needs --rtu or --rtu-tcp"), tcpFault);
    String kind =
        assertThrows(
                IllegalArgumentException.class,
                () -> parse("--rtu", "/tmp/x", "--coils", "0", "--fault", "1:fire").config())
            .getMessage();
    assertTrue(kind.contains("unknown kind 'fire'"), kind);
    String parity =
        assertThrows(
                IllegalArgumentException.class,
                () -> parse("--rtu", "/tmp/x", "--coils", "0", "--parity", "mark").config())
            .getMessage();
    assertTrue(parity.contains("--parity must be none, even or odd"), parity);
  }
}
