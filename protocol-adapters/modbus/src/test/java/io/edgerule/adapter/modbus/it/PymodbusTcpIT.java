package io.edgerule.adapter.modbus.it;

import static io.edgerule.adapter.modbus.Endianness.BIG;
import static io.edgerule.adapter.modbus.Endianness.LITTLE;
import static io.edgerule.adapter.modbus.ModbusDataType.BIT;
import static io.edgerule.adapter.modbus.ModbusDataType.BOOL;
import static io.edgerule.adapter.modbus.ModbusDataType.FLOAT32;
import static io.edgerule.adapter.modbus.ModbusDataType.FLOAT64;
import static io.edgerule.adapter.modbus.ModbusDataType.INT16;
import static io.edgerule.adapter.modbus.ModbusDataType.INT32;
import static io.edgerule.adapter.modbus.ModbusDataType.UINT16;
import static io.edgerule.adapter.modbus.ModbusDataType.UINT32;
import static io.edgerule.adapter.modbus.ModbusTable.COIL;
import static io.edgerule.adapter.modbus.ModbusTable.DISCRETE_INPUT;
import static io.edgerule.adapter.modbus.ModbusTable.HOLDING_REGISTER;
import static io.edgerule.adapter.modbus.ModbusTable.INPUT_REGISTER;
import static io.edgerule.adapter.modbus.it.Samples.point;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgerule.adapter.PointId;
import io.edgerule.adapter.PointSample;
import io.edgerule.adapter.PointValue;
import io.edgerule.adapter.ProtocolAdapter;
import io.edgerule.adapter.Quality;
import io.edgerule.adapter.WriteCommand;
import io.edgerule.adapter.WriteResult;
import io.edgerule.adapter.modbus.ModbusPointConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop: the adapter against an independent Modbus implementation, Debian's python3-pymodbus as
 * TCP server (src/test/resources/pymodbus/tcp_server.py documents its process image).
 */
class PymodbusTcpIT {
  private static final String PYTHON = "/usr/bin/python3";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private Process server;
  private Path serverLog;
  private int port;
  private TestGateway gateway;
  private final Samples samples = new Samples();

  @BeforeEach
  void startPymodbus() throws Exception {
    requirePymodbus();
    Path script = dir.resolve("tcp_server.py");
    try (var in = getClass().getResourceAsStream("/pymodbus/tcp_server.py")) {
      Files.copy(in, script);
    }
    serverLog = dir.resolve("pymodbus.log");
    server =
        new ProcessBuilder(PYTHON, script.toString()).redirectError(serverLog.toFile()).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> firstLine =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (IOException e) {
                return null;
              }
            });
    String line;
    try {
      line = firstLine.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      line = null;
    }
    if (line == null || !line.startsWith("LISTENING ")) {
      fail(
          "pymodbus server did not start ("
              + line
              + "); its stderr:\n"
              + Files.readString(serverLog));
    }
    port = Integer.parseInt(line.substring("LISTENING ".length()).trim());
    gateway = new TestGateway(dir);
  }

  private static void requirePymodbus() throws Exception {
    if (!new File(PYTHON).canExecute()) {
      fail(PYTHON + " is missing: install the Debian packages python3 and python3-pymodbus");
    }
    Process probe =
        new ProcessBuilder(PYTHON, "-c", "import pymodbus.server")
            .redirectErrorStream(true)
            .start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      fail(
          "pymodbus is missing: install the Debian package python3-pymodbus ("
              + output.trim()
              + ")");
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (server != null) {
      server.getOutputStream().close(); // the script ends when its stdin closes
      if (!server.waitFor(5, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  private static ModbusPointConfig writable(
      String name,
      int address,
      io.edgerule.adapter.modbus.ModbusDataType type,
      io.edgerule.adapter.modbus.Endianness words) {
    return new ModbusPointConfig(
        name, HOLDING_REGISTER, address, type, null, words, null, null, null, null, true);
  }

  @Test
  void readsWritesAndExceptionsAgainstPymodbus() throws Exception {
    var device =
        Devices.tcp("py", port)
            .timeout(Duration.ofSeconds(1))
            .point("f_big", HOLDING_REGISTER, 0, FLOAT32, BIG, BIG)
            .point("f_little", HOLDING_REGISTER, 2, FLOAT32, LITTLE, BIG)
            .point("i16", HOLDING_REGISTER, 4, INT16)
            .point("u16", HOLDING_REGISTER, 5, UINT16)
            .point("i32", HOLDING_REGISTER, 6, INT32)
            .point("u32_little", HOLDING_REGISTER, 8, UINT32, LITTLE, BIG)
            .point("f64", HOLDING_REGISTER, 10, FLOAT64)
            .point(writable("w_float", 14, FLOAT32, LITTLE))
            .point(writable("w_int", 16, INT16, BIG))
            .point("ir", INPUT_REGISTER, 0, UINT16)
            .point(
                new ModbusPointConfig(
                    "ir_bit15", INPUT_REGISTER, 1, BIT, 15, null, null, null, null, null, null))
            .point(
                new ModbusPointConfig(
                    "coil0", COIL, 0, BOOL, null, null, null, null, null, null, true))
            .point("coil1", COIL, 1, BOOL)
            .point("di2", DISCRETE_INPUT, 2, BOOL)
            .point("missing", HOLDING_REGISTER, 100, UINT16)
            .build();
    ProtocolAdapter adapter = gateway.start(device, samples);
    samples.awaitAll(all -> all.size() >= 15, WAIT, "a sample of every point");

    Map<String, PointValue> expected =
        Map.ofEntries(
            Map.entry("f_big", PointValue.of(123.456)),
            Map.entry("f_little", PointValue.of(123.456)),
            Map.entry("i16", PointValue.of(-2L)),
            Map.entry("u16", PointValue.of(65535L)),
            Map.entry("i32", PointValue.of(-100000L)),
            Map.entry("u32_little", PointValue.of(3000000000L)),
            Map.entry("f64", PointValue.of(-0.5)),
            Map.entry("w_float", PointValue.of(0.0)),
            Map.entry("w_int", PointValue.of(0L)),
            Map.entry("ir", PointValue.of(1234L)),
            Map.entry("ir_bit15", PointValue.of(true)),
            Map.entry("coil0", PointValue.of(false)),
            Map.entry("coil1", PointValue.of(true)),
            Map.entry("di2", PointValue.of(true)));
    expected.forEach(
        (name, value) -> {
          PointSample s = samples.of(name).get(0);
          assertEquals(Quality.GOOD, s.quality(), name);
          assertEquals(value, s.value(), name);
        });
    assertEquals(
        Quality.bad("exception 02 ILLEGAL_DATA_ADDRESS"), samples.of("missing").get(0).quality());

    for (var write :
        Map.of(
                "coil0", PointValue.of(true),
                "w_float", PointValue.of(21.25),
                "w_int", PointValue.of(-7L))
            .entrySet()) {
      WriteResult r =
          adapter
              .write(new WriteCommand(new PointId("py", write.getKey()), write.getValue(), "test"))
              .toCompletableFuture()
              .join();
      assertEquals(WriteResult.Status.OK, r.status(), write.getKey() + ": " + r.detail());
      samples.await(
          point(write.getKey()).and(s -> write.getValue().equals(s.value())),
          WAIT,
          write.getKey() + " read back from pymodbus as " + write.getValue());
    }
  }
}
