package io.edgerule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad options of {@code edgerule demo}: one line saying what is wrong, nothing started. */
class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void aDurationThatIsNotOneIsAConfigErrorNotAStackTrace() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new DemoCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    Path dir = tmp.resolve("demo");

    int code = cli.execute("--duration", "soon", "--dir", dir.toString());

    assertEquals(2, code, out.toString() + err);
    assertEquals(
        "edgerule demo: --duration: 'soon' is not a duration: write e.g. 250ms, 2s, 5m, 1h or 1d",
        err.toString().strip());
    assertEquals(false, Files.exists(dir), "nothing is written before the options are valid");
  }
}
