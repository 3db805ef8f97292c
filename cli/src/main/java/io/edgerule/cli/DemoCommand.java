package io.edgerule.cli;

import io.edgerule.adapter.DurationText;
import io.edgerule.adapter.opcua.OpcUaPki;
import io.edgerule.daemon.Gateway;
import io.edgerule.daemon.cli.ExitCodes;
import io.edgerule.daemon.cli.Factories;
import io.edgerule.daemon.cli.Signals;
import io.edgerule.daemon.config.ConfigException;
import io.edgerule.daemon.config.ConfigLoader;
import io.edgerule.daemon.config.GatewayConfig;
import io.edgerule.sim.modbus.Generators;
import io.edgerule.sim.modbus.ModbusRtuSimulator;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimEncoding;
import io.edgerule.sim.modbus.SimTable;
import io.edgerule.sim.opcua.OpcUaSimulator;
import io.edgerule.sim.zigbee.VirtualDevice;
import io.edgerule.sim.zigbee.ZigbeeSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgerule demo}: a simulated tank plant on Modbus TCP, an embedded MQTT broker and a
 * gateway running the example rules, with a readable live log, in one process. Stops on Ctrl-C or
 * after {@code --duration}.
 */
@Command(
    name = "demo",
    description = {
      "Run a simulated plant, an embedded MQTT broker and a gateway with the example rules, and print"
          + " what happens (event -> rule decision -> action). Ctrl-C stops it."
    },
    mixinStandardHelpOptions = true)
public final class DemoCommand implements Callable<Integer> {
  private static final List<String> RULE_FILES =
      List.of(
          "overtemp.wasm",
          "overtemp.yaml",
          "pump.wasm",
          "pump.yaml",
          "motion_light.wasm",
          "motion_light.yaml");
  static final long HALL_MOTION = 0x00124B0001ABCD02L;
  static final long HALL_LIGHT = 0x00124B0001ABCD04L;

  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description = "Stop by itself after this long (e.g. 45s, 5m); default: run until Ctrl-C.")
  String duration;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where to write the demo's config, rules and state (default: a new temp folder).")
  Path dir;

  @Option(
      names = "--broker-port",
      paramLabel = "PORT",
      description = "Port of the embedded MQTT broker (default: 1883 if free, else any free port).")
  Integer brokerPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration runFor;
    try {
      runFor = duration == null ? null : DurationText.parse(duration);
    } catch (IllegalArgumentException e) { // "--duration soon": say so, not a stack trace
      spec.commandLine().getErr().println("edgerule demo: --duration: " + e.getMessage());
      return ExitCodes.CONFIG;
    }
    Path work =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("edgerule-demo-");
    Path rules = Files.createDirectories(work.resolve("rules"));
    for (String f : RULE_FILES) {
      try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/rules/" + f)) {
        if (in == null) {
          throw new IllegalStateException("the build did not package demo rule " + f);
        }
        Files.copy(in, rules.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    int mqttPort = brokerPort != null ? brokerPort : portOr(1883);
    CountDownLatch stop = new CountDownLatch(1);
    Signals.onTermination(stop::countDown);
    try (EmbeddedBroker broker = EmbeddedBroker.start(work.resolve("broker"), mqttPort);
        ModbusTcpSimulator plant =
            ModbusTcpSimulator.start(ModbusSimConfig.tankPlant(portOr(5020), 42));
        ZigbeeSimulator zigbee =
            ZigbeeSimulator.builder()
                .device(VirtualDevice.motionSensor(HALL_MOTION).autoMotion(Duration.ofSeconds(12)))
                .device(VirtualDevice.light(HALL_LIGHT))
                .startTcp(0);
        ModbusRtuSimulator meter =
            ModbusRtuSimulator.tcp(
                ModbusSimConfig.builder()
                    .port(0)
                    .tick(Duration.ofSeconds(1))
                    .unit(
                        1,
                        u ->
                            u.generate(
                                    SimTable.INPUT_REGISTER,
                                    0,
                                    SimEncoding.FLOAT32,
                                    Generators.randomWalk(230, 0.8, 220, 240, 7))
                                .generate(
                                    SimTable.INPUT_REGISTER,
                                    2,
                                    SimEncoding.FLOAT32,
                                    Generators.sine(2500, 800, 60))
                                .generate(
                                    SimTable.INPUT_REGISTER,
                                    4,
                                    SimEncoding.UINT32,
                                    Generators.ramp(120_000, 1, 0, 4_000_000_000d)))
                    .build());
        OpcUaSimulator line = startProcessLine(work)) {
      // The certificate exchange an operator does with `edgerule opcua trust`, done up front so the
      // demo connects securely at once.
      OpcUaPki.open(work.resolve("state")).trustCertificate(line.certificate());
      Path configFile = work.resolve("gateway.yaml");
      Files.writeString(
          configFile,
          demoConfig(
              plant.port(), meter.port(), zigbee.tcpPort(), line.endpointUrl(), broker.uri()));
      GatewayConfig config;
      try {
        config = new ConfigLoader(Factories.installed()).load(configFile);
      } catch (ConfigException e) {
        spec.commandLine().getErr().println("edgerule demo: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
      out.println(
          "edgerule demo: a simulated plant on Modbus TCP, Modbus RTU, OPC-UA and Zigbee, an"
              + " embedded MQTT broker, and a gateway with 3 rules");
      out.printf(
          "  broker   %s   (watch it: mosquitto_sub -p %d -t 'edgerule/#' -v)%n",
          broker.uri(), mqttPort);
      out.printf(
          "  tank     Modbus TCP 127.0.0.1:%d unit 1: temperature (holding registers 0-1, float32),"
              + " level (2-3), pump (coil 0)%n",
          plant.port());
      out.printf(
          "  meter    Modbus RTU over TCP 127.0.0.1:%d unit 1: voltage, power, energy (input"
              + " registers 0-5)%n",
          meter.port());
      out.printf(
          "  line     OPC-UA %s: temperature, pump speed, state; Basic256Sha256"
              + " SignAndEncrypt%n",
          line.endpointUrl());
      out.printf(
          "  zigbee   XBee coordinator on tcp://127.0.0.1:%d: hall_motion (motion sensor),"
              + " hall_light (light); they join within a few seconds%n",
          zigbee.tcpPort());
      out.printf("  rules    overtemp (WAT): alarm above 80 C, clear below 75 C%n");
      out.printf("           pump (C): pump on at level >= 80 %%, off at <= 20 %%%n");
      out.printf(
          "           motion_light (WAT): hall light on while the motion sensor sees someone%n");
      out.printf("  config   %s%n", configFile);
      out.println(
          runFor == null
              ? "  Ctrl-C stops the demo."
              : "  stops after " + runFor.toSeconds() + " s (or Ctrl-C).");
      out.println();
      out.flush();
      DemoLog log = new DemoLog(out, Clock.systemUTC());
      try (Gateway gateway = Gateway.start(config, Factories.installed(), log, Clock.systemUTC());
          MqttWatcher watcher = MqttWatcher.start(broker.uri(), "edgerule/demo/alarms/#", log)) {
        if (runFor == null) {
          stop.await();
        } else {
          stop.await(runFor.toMillis(), TimeUnit.MILLISECONDS);
        }
        out.println();
        out.println("edgerule demo: stopping");
        out.flush();
      }
    }
    out.printf("edgerule demo: stopped; config, rules and state are in %s%n", work);
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * The process line on OPC-UA's usual port 4840 when it is free, else on any port: 4840 can be
   * taken by another program between the probe and the server's bind ("No endpoints bound").
   */
  private static OpcUaSimulator startProcessLine(Path work) throws IOException {
    try {
      return processLine(work).port(portOr(4840)).start();
    } catch (IOException taken) {
      return processLine(work).start(); // no port given: picks one, retried if it is taken too
    }
  }

  private static OpcUaSimulator.Builder processLine(Path work) {
    return OpcUaSimulator.builder().pkiDir(work.resolve("opcua-server-pki")).trustAllClients(true);
  }

  private static int portOr(int preferred) throws IOException {
    try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException inUse) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }
  }

  static String demoConfig(
      int modbusPort, int meterPort, int zigbeePort, String opcuaEndpoint, String brokerUri) {
    return """
        # Written by `edgerule demo`: a complete gateway config you can copy and adapt.
        gateway:
          id: demo
          state_dir: state
        devices:
          - protocol: modbus-tcp
            name: tank
            host: 127.0.0.1
            port: %d
            unit_id: 1
            poll_interval: 250ms
            timeout: 1s
            points:
              - {name: temperature, table: holding_register, address: 0, type: float32, deadband: 0.05}
              - {name: level, table: holding_register, address: 2, type: float32, deadband: 0.1}
              - {name: pump, table: coil, address: 0, type: bool, writable: true}
          - protocol: modbus-rtu
            name: meter
            bus: {port: "tcp://127.0.0.1:%d", baud: 19200, timeout: 500ms}
            unit_id: 1
            poll_interval: 1s
            points:
              - {name: voltage, table: input_register, address: 0, type: float32, deadband: 0.5}
              - {name: power, table: input_register, address: 2, type: float32, deadband: 10}
              - {name: energy_wh, table: input_register, address: 4, type: uint32}
          - protocol: zigbee
            name: zigbee
            port: tcp://127.0.0.1:%d
            permit_join: 300s
            devices: {%016x: hall_motion, %016x: hall_light}
          - protocol: opcua
            name: line
            endpoint: %s
            security_policy: basic256sha256
            security_mode: sign_and_encrypt
            points:
              - {name: temperature, node_id: "ns=2;s=Tank/Temperature", deadband: {type: absolute, value: 0.2}}
              - {name: pump_speed, node_id: "ns=2;s=Pump/Speed", type: int64}
              - {name: state, node_id: "ns=2;s=Line/State", type: string}
        rules:
          - {name: overtemp, wasm: rules/overtemp.wasm}
          - {name: pump, wasm: rules/pump.wasm}
          - {name: motion_light, wasm: rules/motion_light.wasm}
        mqtt:
          broker: %s
        pipeline:
          health_interval: 10s
        """
        .formatted(
            modbusPort, meterPort, zigbeePort, HALL_MOTION, HALL_LIGHT, opcuaEndpoint, brokerUri);
  }
}
