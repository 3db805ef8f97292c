package io.edgerule.adapter.modbus.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A pymodbus server process from src/test/resources/pymodbus (Debian's python3-pymodbus run with
 * /usr/bin/python3). It announces itself with one line on stdout and ends when its stdin closes.
 * Fails the test, naming the Debian packages, when python3 or pymodbus is missing.
 */
final class Pymodbus implements AutoCloseable {
  private static final String PYTHON = "/usr/bin/python3";
  private static final Duration START = Duration.ofSeconds(15);

  private final Process process;
  private final String firstLine;

  private Pymodbus(Process process, String firstLine) {
    this.process = process;
    this.firstLine = firstLine;
  }

  /** Copies the scripts to {@code dir}, runs {@code script} with {@code args}, awaits its line. */
  static Pymodbus start(Path dir, String script, String... args) throws Exception {
    require();
    for (String file : List.of("image.py", script)) {
      try (var in = Pymodbus.class.getResourceAsStream("/pymodbus/" + file)) {
        Files.copy(in, dir.resolve(file));
      }
    }
    Path log = dir.resolve(script + ".log");
    List<String> command = new ArrayList<>(List.of(PYTHON, dir.resolve(script).toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectError(log.toFile()).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return out.readLine();
              } catch (IOException e) {
                return null;
              }
            });
    String first;
    try {
      first = line.get(START.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      first = null;
    }
    if (first == null) {
      process.destroyForcibly();
      fail(script + " did not start; its stderr:\n" + Files.readString(log));
    }
    return new Pymodbus(process, first);
  }

  static void require() throws Exception {
    if (!new File(PYTHON).canExecute()) {
      fail(PYTHON + " is missing: install the Debian packages python3 and python3-pymodbus");
    }
    Process probe =
        new ProcessBuilder(PYTHON, "-c", "import pymodbus.server, serial_asyncio")
            .redirectErrorStream(true)
            .start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      fail(
          "pymodbus is missing: install the Debian packages python3-pymodbus and"
              + " python3-serial-asyncio ("
              + output.trim()
              + ")");
    }
  }

  /** What the script printed first ("LISTENING 40123", "SERVING"). */
  String firstLine() {
    return firstLine;
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close(); // the scripts end when their stdin closes
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
