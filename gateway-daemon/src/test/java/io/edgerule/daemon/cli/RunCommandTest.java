package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RunCommandTest {
  @TempDir Path tmp;

  private int run(StringWriter err, String... args) {
    CommandLine cli = new CommandLine(new EdgeruleCommand());
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return cli.execute(args);
  }

  @Test
  void invalidConfigExitsTwoNamingFileLineAndColumn() throws Exception {
    Path file = tmp.resolve("gateway.yaml");
    Files.writeString(
        file,
        """
        gateway:
          id: gw
        devices:
          - protocol: modbus-tcp
            name: tank
            host: 127.0.0.1
            points:
              - {name: t, table: holding_registr, address: 0, type: float32}
        """);
    StringWriter err = new StringWriter();
    assertEquals(2, run(err, "run", "--config", file.toString()));
    assertTrue(err.toString().contains(file + ":8:"), err.toString());
    assertTrue(err.toString().contains("holding_registr"), err.toString());

    StringWriter err2 = new StringWriter();
    assertEquals(2, run(err2, "check", "--config", tmp.resolve("missing.yaml").toString()));
    assertTrue(err2.toString().contains("no such file"), err2.toString());
  }

  @Test
  void checkLoadsRulesAndReportsABrokenOne() throws Exception {
    Files.write(tmp.resolve("bad.wasm"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    Files.writeString(tmp.resolve("bad.yaml"), "name: bad\ninputs: [tank/level]\n");
    Path file = tmp.resolve("gateway.yaml");
    Files.writeString(
        file, "gateway: {id: gw, state_dir: state}\nrules:\n  - {name: bad, wasm: bad.wasm}\n");
    StringWriter err = new StringWriter();
    assertEquals(1, run(err, "check", "--config", file.toString()));
    assertTrue(err.toString().contains("rule bad:"), err.toString());
    assertTrue(err.toString().contains("not a wasm module"), err.toString());
  }
}
