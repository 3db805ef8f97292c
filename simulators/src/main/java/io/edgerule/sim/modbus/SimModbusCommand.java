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

/**
 * {@code edgerule sim modbus}: serves a simulated Modbus TCP device, or an RTU slave bus on a
 * serial port or over TCP, until Ctrl-C.
 */
@Command(
    name = "modbus",
    description = {
      "Serve a simulated Modbus TCP device (slave), or with --rtu / --rtu-tcp a Modbus RTU slave"
          + " bus, until Ctrl-C.",
      "Either the demo tank (--plant tank) or a register map from the options below, on every"
          + " --unit; unmapped addresses answer exception 02."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "",
      "Examples:",
      "  edgerule sim modbus --plant tank --port 5020",
      "  edgerule sim modbus --holding-registers 0-9 --coils 0-7 \\",
      "      --gen ir:0:float32=sine(20,5,50) --gen hr:10:uint16=ramp(0,1,0,100)",
      "  socat -d -d pty,raw,echo=0,link=/tmp/sim pty,raw,echo=0,link=/tmp/gw &",
      "  edgerule sim modbus --rtu /tmp/sim --baud 9600 --parity none --unit 1,2,3 \\",
      "      --holding-registers 0-9 --fault 3:silent      # the gateway opens /tmp/gw",
      "  edgerule sim modbus --rtu-tcp 4001 --plant tank   # like a serial device server",
      "Faults (RTU only, on every answer of the unit): UNIT:silent UNIT:crc UNIT:garbage",
      "  UNIT:delay=MS UNIT:exception=TABLE:ADDRESS:CODE (e.g. 2:exception=hr:7:4)",
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
      split = ",",
      paramLabel = "ID",
      description =
          "Unit id(s) serving the register map, e.g. 1,2,3 (default 1); each gets its own copy.")
  List<Integer> units = new ArrayList<>();

  @Option(
      names = "--rtu",
      paramLabel = "PATH",
      description = "Serve an RTU slave bus on this serial port (or socat pty end) instead of TCP.")
  String rtu;

  @Option(
      names = "--rtu-tcp",
      paramLabel = "PORT",
      description = "Serve RTU frames over TCP on this port (like a serial device server).")
  Integer rtuTcp;

  @Option(
      names = "--baud",
      description = "RTU serial baud rate (default ${DEFAULT-VALUE}).",
      defaultValue = "19200")
  int baud;

  @Option(
      names = "--parity",
      description = "RTU serial parity: none, even, odd (default ${DEFAULT-VALUE}).",
      defaultValue = "even")
  String parity;

  @Option(
      names = "--stop-bits",
      description = "RTU serial stop bits: 1 or 2 (default ${DEFAULT-VALUE}).",
      defaultValue = "1")
  int stopBits;

  @Option(
      names = "--fault",
      paramLabel = "SPEC",
      description = "An RTU fault on every answer of a unit, UNIT:KIND[=ARG]; see below.")
  List<String> faults = new ArrayList<>();

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
    AutoCloseable sim;
    List<String> description;
    try {
      if (rtu != null || rtuTcp != null) {
        ModbusRtuSimulator rtuSim =
            rtu != null
                ? ModbusRtuSimulator.serial(rtu, baud, parityChar(), stopBits, config)
                : ModbusRtuSimulator.tcp(config);
        applyFaults(rtuSim.faults());
        sim = rtuSim;
        description = rtuSim.describe();
        faults.forEach(f -> description.add("  fault " + f));
      } else {
        ModbusTcpSimulator tcpSim = ModbusTcpSimulator.start(config);
        sim = tcpSim;
        description = tcpSim.describe();
      }
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("edgerule sim modbus: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                sim.close();
              } catch (Exception e) {
                // stopping anyway
              }
              stopped.countDown();
            },
            "sim-modbus-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    description.forEach(out::println);
    out.println("Serving until Ctrl-C.");
    out.flush();
    stopped.await();
    return 0;
  }

  ModbusSimConfig config() {
    List<Integer> ids = units.isEmpty() ? List.of(1) : units;
    for (int unit : ids) {
      if (unit < 0 || unit > 255) {
        throw new IllegalArgumentException("--unit must be 0..255, got " + unit);
      }
    }
    if (tickMillis < 1) {
      throw new IllegalArgumentException("--tick-ms must be >= 1");
    }
    checkRtuOptions();
    int listen = rtuTcp != null ? rtuTcp : port;
    ModbusSimConfig.Builder builder =
        ModbusSimConfig.builder()
            .bindAddress(bind)
            .port(listen)
            .tick(Duration.ofMillis(tickMillis));
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
      for (int unit : ids) {
        long unitSeed = seed + unit - ids.get(0); // the first unit keeps --seed
        builder.unit(unit, u -> u.model(new TankPlant(unitSeed)));
      }
      return builder.build();
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
    for (int unit : ids) {
      builder.unit(unit, u -> steps.forEach(s -> s.accept(u)));
    }
    return builder.build();
  }

  private void checkRtuOptions() {
    if (rtu != null && rtuTcp != null) {
      throw new IllegalArgumentException("give --rtu PATH or --rtu-tcp PORT, not both");
    }
    if (rtuTcp != null && (rtuTcp < 0 || rtuTcp > 65535)) {
      throw new IllegalArgumentException("--rtu-tcp must be 0..65535, got " + rtuTcp);
    }
    if (baud < 300 || baud > 4_000_000) {
      throw new IllegalArgumentException("--baud must be 300..4000000, got " + baud);
    }
    if (stopBits != 1 && stopBits != 2) {
      throw new IllegalArgumentException("--stop-bits must be 1 or 2, got " + stopBits);
    }
    parityChar();
    if (!faults.isEmpty() && rtu == null && rtuTcp == null) {
      throw new IllegalArgumentException("--fault needs --rtu or --rtu-tcp");
    }
    applyFaults(new RtuFaults()); // parses every spec now, so mistakes exit with code 2
  }

  char parityChar() {
    return switch (parity.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "none", "n" -> 'N';
      case "even", "e" -> 'E';
      case "odd", "o" -> 'O';
      default ->
          throw new IllegalArgumentException(
              "--parity must be none, even or odd, got '" + parity + "'");
    };
  }

  /** Applies every {@code --fault UNIT:KIND[=ARG]} to {@code target}, for good. */
  void applyFaults(RtuFaults target) {
    for (String spec : faults) {
      String[] unitAndKind = spec.split(":", 2);
      int unit;
      try {
        unit = Integer.parseInt(unitAndKind[0].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--fault '" + spec + "': expected UNIT:KIND, e.g. 3:silent");
      }
      String kind = unitAndKind.length > 1 ? unitAndKind[1].trim() : "";
      String arg = "";
      int eq = kind.indexOf('=');
      if (eq >= 0) {
        arg = kind.substring(eq + 1);
        kind = kind.substring(0, eq);
      }
      switch (kind) {
        case "silent" -> target.silence(unit);
        case "crc" -> target.corruptCrc(unit, RtuFaults.ALWAYS);
        case "garbage" -> target.garbageBefore(unit, RtuFaults.ALWAYS);
        case "delay" -> {
          try {
            target.delay(unit, Duration.ofMillis(Long.parseLong(arg)), RtuFaults.ALWAYS);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "--fault '" + spec + "': delay needs milliseconds, e.g. 2:delay=300");
          }
        }
        case "exception" -> {
          String[] p = arg.split(":");
          try {
            target.exception(
                unit, SimTable.parse(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
          } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                "--fault '"
                    + spec
                    + "': exception needs TABLE:ADDRESS:CODE, e.g. 2:exception=hr:7:4");
          }
        }
        default ->
            throw new IllegalArgumentException(
                "--fault '"
                    + spec
                    + "': unknown kind '"
                    + kind
                    + "'; use silent, crc, garbage, delay=MS or exception=TABLE:ADDRESS:CODE");
      }
    }
  }

  private static void addRanges(
      List<Consumer<SimUnit>> steps, SimTable table, List<String> ranges) {
    for (String text : ranges) {
      AddressRange r = AddressRange.parse(text);
      steps.add(u -> u.map(table, r.first(), r.count()));
    }
  }
}
