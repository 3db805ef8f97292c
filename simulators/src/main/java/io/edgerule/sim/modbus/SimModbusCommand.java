package io.edgerule.sim.modbus;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code edgerule sim modbus}: serves a simulated Modbus TCP device until Ctrl-C. */
@Command(
    name = "modbus",
    description = {
      "Serve a simulated Modbus TCP device (slave) until Ctrl-C.",
      "Either the demo tank (--plant tank) or a register map from the options below; unmapped"
          + " addresses answer exception 02."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  edgerule sim modbus --plant tank --port 5020",
      "  edgerule sim modbus --holding-registers 0-9 --coils 0-7 \\",
      "      --gen ir:0:float32=sine(20,5,50) --gen hr:10:uint16=ramp(0,1,0,100)",
      "Generator kinds: const(v) ramp(start,step,min,max) sine(center,amplitude,period_ticks)",
      "  walk(start,max_step,min,max[,seed]) step(before,after,at_tick) script(v1,v2,...)"
    })
public final class SimModbusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      description = "TCP port (default ${DEFAULT-VALUE}; 0 picks one).",
      defaultValue = "5020")
  int port;

  @Option(
      names = "--bind",
      description = "Interface to listen on (default ${DEFAULT-VALUE}).",
      defaultValue = "0.0.0.0")
  String bind;

  @Option(names = "--plant", description = "A simulated plant: tank.", paramLabel = "NAME")
  String plant;

  @Option(
      names = "--unit",
      description = "Unit id of the register map (default ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int unit;

  @Option(names = "--coils", paramLabel = "RANGE", description = "Coils to serve, e.g. 0-15.")
  List<String> coils = new ArrayList<>();

  @Option(
      names = "--discrete-inputs",
      paramLabel = "RANGE",
      description = "Discrete inputs to serve.")
  List<String> discreteInputs = new ArrayList<>();

  @Option(
      names = "--holding-registers",
      paramLabel = "RANGE",
      description = "Holding registers to serve.")
  List<String> holdingRegisters = new ArrayList<>();

  @Option(
      names = "--input-registers",
      paramLabel = "RANGE",
      description = "Input registers to serve.")
  List<String> inputRegisters = new ArrayList<>();

  @Option(
      names = "--gen",
      paramLabel = "SPEC",
      description = "A value generator, TABLE:ADDRESS:ENCODING=KIND(ARGS).")
  List<String> generators = new ArrayList<>();

  @Option(
      names = "--tick-ms",
      description = "Milliseconds per tick (default ${DEFAULT-VALUE}).",
      defaultValue = "100")
  long tickMillis;

  @Option(
      names = "--seed",
      description = "Seed of the plant's noise (default ${DEFAULT-VALUE}).",
      defaultValue = "1")
  long seed;

  @Override
  public Integer call() throws InterruptedException {
    ModbusSimConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    ModbusTcpSimulator sim;
    try {
      sim = ModbusTcpSimulator.start(config);
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("edgerule sim modbus: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              sim.close();
              stopped.countDown();
            },
            "sim-modbus-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    sim.describe().forEach(out::println);
    out.println("Serving until Ctrl-C.");
    out.flush();
    stopped.await();
    return 0;
  }

  ModbusSimConfig config() {
    if (unit < 0 || unit > 255) {
      throw new IllegalArgumentException("--unit must be 0..255, got " + unit);
    }
    if (tickMillis < 1) {
      throw new IllegalArgumentException("--tick-ms must be >= 1");
    }
    ModbusSimConfig.Builder builder =
        ModbusSimConfig.builder().bindAddress(bind).port(port).tick(Duration.ofMillis(tickMillis));
    boolean map =
        !coils.isEmpty()
            || !discreteInputs.isEmpty()
            || !holdingRegisters.isEmpty()
            || !inputRegisters.isEmpty()
            || !generators.isEmpty();
    if (plant != null) {
      if (map) {
        throw new IllegalArgumentException(
            "--plant serves a fixed map; leave out --coils, --*-registers, --discrete-inputs and"
                + " --gen");
      }
      if (!plant.equals("tank")) {
        throw new IllegalArgumentException("unknown plant '" + plant + "': the only one is tank");
      }
      return builder.unit(unit, u -> u.model(new TankPlant(seed))).build();
    }
    if (!map) {
      throw new IllegalArgumentException(
          "nothing to serve: give --plant tank, or ranges (--holding-registers 0-9, ...) and/or"
              + " --gen generators");
    }
    List<Consumer<SimUnit>> steps = new ArrayList<>();
    addRanges(steps, SimTable.COIL, coils);
    addRanges(steps, SimTable.DISCRETE_INPUT, discreteInputs);
    addRanges(steps, SimTable.HOLDING_REGISTER, holdingRegisters);
    addRanges(steps, SimTable.INPUT_REGISTER, inputRegisters);
    for (String g : generators) {
      GeneratorSpec gen = GeneratorSpec.parse(g);
      steps.add(u -> u.generate(gen.table(), gen.address(), gen.encoding(), gen.generator()));
    }
    return builder.unit(unit, u -> steps.forEach(s -> s.accept(u))).build();
  }

  private static void addRanges(
      List<Consumer<SimUnit>> steps, SimTable table, List<String> ranges) {
    for (String text : ranges) {
      AddressRange r = AddressRange.parse(text);
      steps.add(u -> u.map(table, r.first(), r.count()));
    }
  }
}
