package io.edgerule.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code edgerule run ...} is parsed by a command line with the run command alone (a lighter
 * start): it must behave exactly as the whole program's run command, and only for {@code run}.
 */
class GatewayOnlyCommandLineTest {
  @TempDir Path tmp;

  private record Result(int code, String out, String err) {}

  private static Result run(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static void sameAsWholeProgram(String... args) {
    Result whole = run(new CommandLine(new EdgeruleCommand()), args);
    Result alone = run(EdgeruleCommand.commandLine(args), args);
    assertEquals(whole, alone, String.join(" ", args));
  }

  @Test
  void onlyRunGetsTheLighterCommandLine() {
    assertEquals(
        Set.of("run"), EdgeruleCommand.commandLine(new String[] {"run"}).getSubcommands().keySet());
    for (String[] args :
        new String[][] {{}, {"check"}, {"--version"}, {"runx"}, {"fleet", "run"}, {"--help"}}) {
      CommandLine cli = EdgeruleCommand.commandLine(args);
      assertTrue(cli.getSubcommands().keySet().containsAll(Set.of("run", "check", "fleet")));
      assertFalse(EdgeruleCommand.runsGateway(args), String.join(" ", args));
    }
  }

  @Test
  void helpAndArgumentErrorsAreTheWholeProgramsOnes() {
    sameAsWholeProgram("run", "--help");
    sameAsWholeProgram("run", "-h");
    sameAsWholeProgram("run");
    sameAsWholeProgram("run", "--confg", "x.yaml");
    sameAsWholeProgram("run", "--config");
    sameAsWholeProgram("run", "--config", "a.yaml", "extra");
    Result help = run(EdgeruleCommand.commandLine(new String[] {"run"}), "run", "--help");
    assertTrue(help.out().startsWith("Usage: edgerule run "), help.out());
    assertEquals(0, help.code());
  }

  @Test
  void anInvalidConfigIsReportedAsByTheWholeProgram() throws Exception {
    Path file = tmp.resolve("gateway.yaml");
    Files.writeString(file, "gateway:\n  id: gw\nmqtt: {brokr: tcp://127.0.0.1:1}\n");
    sameAsWholeProgram("run", "--config", file.toString());
    sameAsWholeProgram("run", "--config", tmp.resolve("missing.yaml").toString());
    Result r = run(EdgeruleCommand.gatewayOnly(), "run", "--config", file.toString());
    assertEquals(ExitCodes.CONFIG, r.code());
    assertTrue(r.err().contains(file + ":3:"), r.err());
  }
}
