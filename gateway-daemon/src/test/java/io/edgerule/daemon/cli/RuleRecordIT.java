package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgerule.daemon.testing.Poll;
import io.edgerule.sim.modbus.ModbusSimConfig;
import io.edgerule.sim.modbus.ModbusTcpSimulator;
import io.edgerule.sim.modbus.SimTable;
import io.edgerule.sim.modbus.SimUnit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Record and replay: {@code edgerule rule record} runs a gateway fed by the Modbus simulator, in
 * which the pump rule switches the pump coil; replaying the recording through {@code edgerule rule
 * test} makes the same decisions the live rule made.
 */
class RuleRecordIT {
  private static final Path EXAMPLES = Path.of("..", "examples", "rules");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;

  @Test
  void aRecordingReplaysToTheSameDecisions() throws Exception {
    Path rules = Files.createDirectories(tmp.resolve("rules"));
    for (String f : List.of("pump.wasm", "pump.yaml")) {
      Files.copy(EXAMPLES.resolve(f), rules.resolve(f));
    }
    try (ModbusTcpSimulator sim =
        ModbusTcpSimulator.start(
            ModbusSimConfig.builder()
                .port(0)
                .manualTicks()
                .unit(
                    1,
                    u -> {
                      u.map(SimTable.HOLDING_REGISTER, 0, 4);
                      u.map(SimTable.COIL, 0, 1);
                      u.setFloat32(SimTable.HOLDING_REGISTER, 0, 70f);
                      u.setFloat32(SimTable.HOLDING_REGISTER, 2, 50f);
                    })
                .build())) {
      Path config = tmp.resolve("gateway.yaml");
      Files.writeString(
          config,
          """
          gateway:
            id: rec-gw
            state_dir: state
          devices:
            - protocol: modbus-tcp
              name: tank
              host: 127.0.0.1
              port: %d
              poll_interval: 100ms
              timeout: 500ms
              points:
                - {name: temperature, table: holding_register, address: 0, type: float32}
                - {name: level, table: holding_register, address: 2, type: float32}
                - {name: pump, table: coil, address: 0, type: bool, writable: true}
          rules:
            - {name: pump, wasm: rules/pump.wasm}
          """
              .formatted(sim.port()));
      Path recording = tmp.resolve("incident.jsonl");
      StringWriter recordOut = new StringWriter();
      StringWriter recordErr = new StringWriter();
      CompletableFuture<Integer> recorder =
          CompletableFuture.supplyAsync(
              () -> {
                CommandLine cli = new CommandLine(new EdgeruleCommand());
                cli.setOut(new PrintWriter(recordOut, true));
                cli.setErr(new PrintWriter(recordErr, true));
                return cli.execute(
                    "rule",
                    "record",
                    "--config",
                    config.toString(),
                    "--out",
                    recording.toString(),
                    "--points",
                    "tank/level",
                    "--duration",
                    "10s");
              });

      // Live: the pump rule switches the coil on, off and on again as the level moves.
      SimUnit unit = sim.unit();
      Poll.until(() -> recording.toFile().length() > 0, WAIT, "the first recorded event");
      unit.setFloat32(SimTable.HOLDING_REGISTER, 2, 85f);
      Poll.until(() -> unit.coil(0), WAIT, "pump on (live)");
      unit.setFloat32(SimTable.HOLDING_REGISTER, 2, 10f);
      Poll.until(() -> !unit.coil(0), WAIT, "pump off (live)");
      unit.setFloat32(SimTable.HOLDING_REGISTER, 2, 90f);
      Poll.until(() -> unit.coil(0), WAIT, "pump on again (live)");

      int code = recorder.get(40, TimeUnit.SECONDS);
      assertEquals(0, code, recordErr.toString());
      assertTrue(recordOut.toString().startsWith("recorded "), recordOut.toString());
      List<String> lines = Files.readAllLines(recording);
      assertTrue(lines.stream().allMatch(l -> l.contains("\"point\":\"tank/level\"")), "--points");

      // Replay: the same three decisions, in the same order.
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new EdgeruleCommand());
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      int replay =
          cli.execute(
              "rule",
              "test",
              "--wasm",
              rules.resolve("pump.wasm").toString(),
              "--manifest",
              rules.resolve("pump.yaml").toString(),
              "--events",
              recording.toString());
      assertEquals(0, replay, err.toString());
      List<String> writes =
          out.toString()
              .lines()
              .map(l -> l.replaceAll(".*\"point\":\"tank/pump\",\"type\":\"bool\",\"value\":", ""))
              .toList();
      assertEquals(List.of("true}", "false}", "true}"), writes, out.toString());
    }
  }
}
