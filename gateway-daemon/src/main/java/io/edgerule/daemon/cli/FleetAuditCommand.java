package io.edgerule.daemon.cli;

import io.edgerule.ota.fleet.AuditLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgerule fleet audit verify [FILE]}: checks the audit log's hash chain. */
@Command(
    name = "audit",
    description = "Check the fleet's hash-chained audit log.",
    mixinStandardHelpOptions = true,
    subcommands = {FleetAuditCommand.Verify.class})
final class FleetAuditCommand {

  @Command(
      name = "verify",
      description =
          "Check that every record chains to the one before (nothing changed, removed or"
              + " inserted). Exit 0 intact, 1 broken, 2 no such file. Prints the head hash: keep it"
              + " elsewhere to detect records cut off the end.",
      mixinStandardHelpOptions = true)
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "FILE",
        arity = "0..1",
        description = "The log (default: --audit's default, ./fleet-audit.jsonl).")
    Path file;

    @Option(
        names = "--head",
        paramLabel = "SHA256",
        description = "The head hash recorded earlier: the log must still contain it.")
    String head;

    @Override
    public Integer call() {
      return FleetRun.run(
          spec,
          out -> {
            Path f = file != null ? file : new AuditOptionsDefault().file();
            if (!Files.isRegularFile(f)) {
              throw new IllegalArgumentException("FILE: " + f + ": no such file");
            }
            AuditLog.Verdict v = AuditLog.verify(f);
            if (!v.intact()) {
              out.printf(
                  "%s: BROKEN after %d intact record(s): %s%n", f, v.lines(), v.problem().get());
              return ExitCodes.FAILURE;
            }
            if (head != null && !containsHash(f, head)) {
              out.printf(
                  "%s: %d record(s) chain, but none has the hash %s: records were cut off the end,"
                      + " or it is another log%n",
                  f, v.lines(), head);
              return ExitCodes.FAILURE;
            }
            out.printf("%s: %d record(s), chain intact, head %s%n", f, v.lines(), v.head());
            return ExitCodes.OK;
          });
    }
  }

  /** True if a line of the log has the SHA-256 {@code hash} (hex), as the chain computes it. */
  static boolean containsHash(Path f, String hash)
      throws java.io.IOException, java.security.NoSuchAlgorithmException {
    for (String line : Files.readAllLines(f, java.nio.charset.StandardCharsets.UTF_8)) {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (java.util.HexFormat.of().formatHex(d).equalsIgnoreCase(hash.strip())) {
        return true;
      }
    }
    return false;
  }

  /** The default log file, as {@link AuditOptions} resolves it. */
  static final class AuditOptionsDefault {
    Path file() {
      String env = System.getenv("EDGERULE_FLEET_AUDIT");
      return Path.of(env == null || env.isEmpty() ? "fleet-audit.jsonl" : env);
    }
  }
}
