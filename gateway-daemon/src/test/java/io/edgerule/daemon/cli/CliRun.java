package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of the edgerule command line inside the test's JVM: its exit code and what it printed.
 */
record CliRun(int code, String out, String err) {
  static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new EdgeruleCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** A run that must succeed; a failure shows the command and its output. */
  static CliRun ok(String... args) {
    CliRun r = run(args);
    assertEquals(0, r.code(), () -> r.shown(args));
    return r;
  }

  /** A run that must end with {@code code} and say {@code expected} (on either stream). */
  static CliRun fails(int code, String expected, String... args) {
    CliRun r = run(args);
    assertEquals(code, r.code(), () -> r.shown(args));
    assertTrue(
        (r.err() + r.out()).contains(expected),
        () -> "expected '" + expected + "' in " + r.shown(args));
    return r;
  }

  private String shown(String... args) {
    return String.join(" ", args) + "\nout: " + out + "\nerr: " + err;
  }
}
